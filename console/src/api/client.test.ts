import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, fieldPath, setToken } from './client';

describe('api client', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    setToken(null);
  });

  it('sends the bearer token and turns a ProblemDetail into field errors a form can show', async () => {
    const fetchMock = vi.fn().mockResolvedValue(new Response(JSON.stringify({
      title: 'Bad Request', status: 400, detail: 'invalid request',
      errors: [{ field: 'tasks[1].sender_name', message: 'is not one of your sender names' },
               { field: 'name', message: 'must not be blank' }],
    }), { status: 400, headers: { 'Content-Type': 'application/problem+json' } }));
    vi.stubGlobal('fetch', fetchMock);
    setToken('secret-token');

    const error = (await api.post('/v1/campaigns', { name: '' }).catch((e) => e)) as ApiError;

    expect(fetchMock.mock.calls[0][1].headers.Authorization).toBe('Bearer secret-token');
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.fieldErrors()).toEqual([
      { name: ['tasks', 1, 'sender_name'], errors: ['is not one of your sender names'] },
      { name: ['name'], errors: ['must not be blank'] },
    ]);
    expect(error.generalMessage()).toBeUndefined();
  });

  it('shows a problem without fields as one message', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response(JSON.stringify({
      status: 409, title: 'Conflict', detail: 'needs 1200, balance 1000, missing 200' }), { status: 409 })));
    const error = (await api.post('/v1/campaigns/1/activate').catch((e) => e)) as ApiError;
    expect(error.generalMessage()).toBe('needs 1200, balance 1000, missing 200');
  });

  it('splits api field paths into form paths', () => {
    expect(fieldPath('recipient_rule.include_tags[2]')).toEqual(['recipient_rule', 'include_tags', 2]);
  });
});
