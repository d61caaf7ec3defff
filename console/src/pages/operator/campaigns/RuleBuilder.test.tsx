import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor } from '@testing-library/react';
import { I18nProvider } from '../../../i18n';
import RuleBuilder, { type CountAudience } from './RuleBuilder';
import { countQuery, emptyRule, normalizeRule, type RecipientRule } from './rule';

function Harness({ count, initial, onRule, onCount }: {
  count: CountAudience;
  initial: RecipientRule;
  onRule?: (r: RecipientRule) => void;
  onCount?: (n: number | undefined) => void;
}) {
  const [rule, setRule] = useState(initial);
  (window as unknown as { setRule: (r: RecipientRule) => void }).setRule = (r) => { setRule(r); onRule?.(r); };
  return (
    <I18nProvider lang="en">
      <RuleBuilder value={rule} onChange={(r) => { setRule(r); onRule?.(r); }} tags={['vip', 'webinar']}
                   count={count} onCount={onCount} />
    </I18nProvider>
  );
}

const setRule = (r: RecipientRule) => act(() => (window as unknown as { setRule: (r: RecipientRule) => void }).setRule(r));

describe('recipient rule builder', () => {
  it('shows the live planned audience of the rule and re-counts after a change', async () => {
    const count = vi.fn<CountAudience>(async (rule) => ({
      planned_audience: rule.exclude_tags?.includes('vip') ? 3 : 10, labels_ignored: false }));
    const onCount = vi.fn();
    render(<Harness count={count} onCount={onCount} initial={{ ...emptyRule(), include_tags: ['webinar'] }} />);

    await waitFor(() => expect(screen.getByTestId('planned-audience')).toHaveTextContent('10'));
    expect(count).toHaveBeenCalledTimes(1);
    expect(onCount).toHaveBeenLastCalledWith(10);

    setRule({ ...emptyRule(), include_tags: ['webinar'], exclude_tags: ['vip'] });
    await waitFor(() => expect(screen.getByTestId('planned-audience')).toHaveTextContent('3'));
    expect(count.mock.calls[1][0].exclude_tags).toEqual(['vip']);
    expect(onCount).toHaveBeenLastCalledWith(3);
  });

  it('counts once after a burst of changes, not once per keystroke', async () => {
    const count = vi.fn<CountAudience>(async () => ({ planned_audience: 1, labels_ignored: false }));
    render(<Harness count={count} initial={{ ...emptyRule(), include_tags: ['a'] }} />);
    setRule({ ...emptyRule(), include_tags: ['ab'] });
    setRule({ ...emptyRule(), include_tags: ['abc'] });
    await waitFor(() => expect(screen.getByTestId('planned-audience')).toHaveTextContent('1'));
    expect(count).toHaveBeenCalledTimes(1);
    expect(count.mock.calls[0][0].include_tags).toEqual(['abc']);
  });

  it('says when system labels are left out of the count, and asks for a tag when there is none', async () => {
    const count = vi.fn<CountAudience>(async () => ({ planned_audience: 7, labels_ignored: true }));
    render(<Harness count={count}
                    initial={{ ...emptyRule(), include_tags: ['vip'], include_labels: ['unopened_in_campaign'] }} />);
    await screen.findByText(/System labels exist only once earlier tasks have sent/);

    setRule(emptyRule());
    await screen.findByText('Pick at least one tag to include');
    expect(screen.getByTestId('planned-audience')).toHaveTextContent('0');
  });

  it('sends only the label keys that are used, as the api stores rules', () => {
    const rule = { ...emptyRule(), include_tags: ['vip'], include_labels: ['opened_in_campaign'] };
    expect(normalizeRule(rule)).toEqual({ include_tags: ['vip'], match: 'ANY', exclude_tags: [],
                                          include_labels: ['opened_in_campaign'] });
    expect(countQuery(emptyRule()).match).toBe('ANY');
  });
});
