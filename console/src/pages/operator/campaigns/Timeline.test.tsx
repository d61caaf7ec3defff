import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import dayjs from 'dayjs';
import { I18nProvider } from '../../../i18n';
import Timeline from './Timeline';

describe('timeline component', () => {
  it('lists the tasks with their plan times in the browser\'s zone and marks own times and disorder', () => {
    const start = '2026-12-01T09:00:00+08:00';
    render(
      <I18nProvider lang="en">
        <Timeline startTime={start} intervalDays={2} statuses={['SENDING']}
                  tasks={[{ name: 'invite' }, { name: 'reminder' }, { name: 'early', plan_time: '2026-11-30T00:00:00Z' }]} />
      </I18nProvider>,
    );
    const fmt = (d: string) => dayjs(d).format('YYYY-MM-DD HH:mm');
    expect(screen.getByTestId('timeline-task-0')).toHaveTextContent(`invite · ${fmt(start)}`);
    expect(screen.getByTestId('timeline-task-0')).toHaveTextContent('Sending');
    expect(screen.getByTestId('timeline-task-1'))
      .toHaveTextContent(`reminder · ${fmt(dayjs(start).add(2, 'day').toISOString())} T + 1 × Δd`);
    expect(screen.getByTestId('timeline-task-2')).toHaveTextContent('own time');
    expect(screen.getByTestId('timeline-task-2')).toHaveTextContent('before the previous task');
  });

  it('asks for a start time first', () => {
    render(<I18nProvider lang="en"><Timeline tasks={[{ name: 'a' }]} /></I18nProvider>);
    expect(screen.getByText('Set a start time to see when each task is sent')).toBeInTheDocument();
  });
});
