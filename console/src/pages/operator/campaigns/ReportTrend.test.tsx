import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../../api/client';
import { I18nProvider } from '../../../i18n';
import ReportTrend from './ReportTrend';
import type { ReportTimeline } from './reportTrend';

afterEach(() => vi.restoreAllMocks());

const timeline = (bucket: 'hour' | 'day'): ReportTimeline => ({
  bucket, time_zone: 'UTC', points: [
    { start: '2026-03-01T00:00:00Z', sent: 4, bounced: 0, opened: 1, clicked: 0, replied: 0, unsubscribed: 0 },
    { start: '2026-03-01T01:00:00Z', sent: 2, bounced: 1, opened: 2, clicked: 1, replied: 1, unsubscribed: 0 },
  ],
});

describe('report trend', () => {
  it('asks for the report\'s timeline, draws one line per metric with its total, and reloads by day', async () => {
    const get = vi.spyOn(api, 'get').mockImplementation(async (_path, query) =>
      timeline((query as { bucket: 'hour' | 'day' }).bucket) as never);
    const { container } = render(<I18nProvider lang="en"><ReportTrend path="/v1/tasks/7/report" /></I18nProvider>);

    await waitFor(() => expect(container.querySelectorAll('polyline')).toHaveLength(5));
    expect(get.mock.calls[0][0]).toBe('/v1/tasks/7/report/timeline');
    expect(get.mock.calls[0][1]).toMatchObject({ bucket: 'hour' });
    expect(screen.getByText('Sent (6)')).toBeInTheDocument();
    expect(screen.getByText('Opened (3)')).toBeInTheDocument();
    expect(screen.getByRole('img').getAttribute('aria-label')).toContain('Replied 1');

    await userEvent.click(screen.getByText('By day'));
    await waitFor(() => expect(get.mock.calls.at(-1)?.[1]).toMatchObject({ bucket: 'day' }));
  });

  it('says so when nothing happened yet', async () => {
    vi.spyOn(api, 'get').mockResolvedValue({ bucket: 'hour', time_zone: 'UTC', points: [] } as never);
    render(<I18nProvider lang="en"><ReportTrend path="/v1/campaigns/3/report" /></I18nProvider>);
    expect(await screen.findByText('Nothing sent or opened yet.')).toBeInTheDocument();
  });
});
