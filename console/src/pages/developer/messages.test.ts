import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import { messageQuery } from './messages';

describe('the message list query', () => {
  it('leaves blank filters out and trims what was typed', () => {
    expect(messageQuery({ to: '  a@example.com ', tag: '  ', campaign_id: '' }, 0, 50)).toEqual({
      status: undefined, campaign_id: undefined, to: 'a@example.com', tag: undefined, from: undefined,
      until: undefined, page: 0, size: 50,
    });
  });

  it('turns the time range into from and until, either end open', () => {
    const start = dayjs('2026-11-01T00:00:00Z');
    const end = dayjs('2026-11-02T00:00:00Z');
    expect(messageQuery({ status: 'sent', range: [start, end] }, 2, 20)).toMatchObject({
      status: 'sent', from: '2026-11-01T00:00:00.000Z', until: '2026-11-02T00:00:00.000Z', page: 2, size: 20,
    });
    expect(messageQuery({ range: [null, end] }, 0, 50)).toMatchObject({ from: undefined,
      until: '2026-11-02T00:00:00.000Z' });
  });
});
