import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/client';
import { fetchMessage } from './messageLookup';

const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), {
  status, headers: { 'Content-Type': status < 300 ? 'application/json' : 'application/problem+json' },
});

describe('message look-up with an API key', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the typed key, not the console session, and answers the message', async () => {
    const fetchMock = vi.fn().mockResolvedValue(answer(200, { id: 'msg_1', status: 'sent', events: [] }));
    vi.stubGlobal('fetch', fetchMock);
    localStorage.setItem('edm.token', 'console-session-token');
    const message = await fetchMessage('msg_1', 'edm_live_abc');
    expect(message).toMatchObject({ id: 'msg_1', status: 'sent' });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/v1/messages/msg_1');
    expect(init.headers.Authorization).toBe('Bearer edm_live_abc');
    expect(JSON.stringify(init)).not.toContain('console-session-token');
  });

  it('puts a refused key on the key field and an unknown id on the id field', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(answer(401, { status: 401, detail: 'invalid API key' })));
    const refused = await fetchMessage('msg_1', 'edm_live_bad').catch((e) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused.fieldErrors()).toEqual([{ name: ['api_key'], errors: ['invalid API key'] }]);

    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(answer(404, { status: 404, title: 'Not Found' })));
    const unknown = await fetchMessage('msg/../x', 'edm_live_abc').catch((e) => e);
    expect(unknown.fieldErrors()).toEqual([{ name: ['id'], errors: ['Not Found'] }]);
  });
});
