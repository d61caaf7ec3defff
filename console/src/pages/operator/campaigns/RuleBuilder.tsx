import { useEffect, useId, useState } from 'react';
import Alert from 'antd/es/alert';
import Radio from 'antd/es/radio';
import Select from 'antd/es/select';
import Space from 'antd/es/space';
import Spin from 'antd/es/spin';
import Statistic from 'antd/es/statistic';
import Typography from 'antd/es/typography';
import { api, ApiError } from '../../../api/client';
import { useI18n } from '../../../i18n';
import { countQuery, emptyRule, SYSTEM_LABELS, type Match, type RecipientRule } from './rule';

export interface AudienceCount {
  planned_audience: number;
  labels_ignored: boolean;
}

export type CountAudience = (rule: RecipientRule, signal: AbortSignal) => Promise<AudienceCount>;

export const countFromApi: CountAudience = (rule, signal) =>
  api.get<AudienceCount>('/v1/contacts/audience-count', countQuery(rule), signal);

/**
 * Who a task sends to: contacts with ANY (or ALL) of the included tags, minus excluded tags, optionally narrowed by
 * the campaign's system labels — with the live planned-audience count (what activation reserves quota for),
 * re-counted 400 ms after the last change. `onCount` tells the campaign builder for its quota check.
 */
export default function RuleBuilder({ value, onChange, tags, count = countFromApi, onCount }: {
  value?: RecipientRule;
  onChange?: (rule: RecipientRule) => void;
  /** the tags the user's contacts carry, offered in the pickers (others can be typed) */
  tags: string[];
  count?: CountAudience;
  onCount?: (planned: number | undefined) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const rule = value ?? emptyRule();
  const [result, setResult] = useState<AudienceCount>();
  const [error, setError] = useState<string>();
  const [counting, setCounting] = useState(false);
  const key = JSON.stringify(countQuery(rule));

  useEffect(() => {
    if (!rule.include_tags.length) {
      setResult(undefined);
      setError(undefined);
      onCount?.(0);
      return undefined;
    }
    const controller = new AbortController();
    setCounting(true);
    const timer = setTimeout(() => {
      count(rule, controller.signal)
        .then((r) => { setResult(r); setError(undefined); onCount?.(r.planned_audience); })
        .catch((e) => {
          if (e instanceof ApiError) { setError(e.message); onCount?.(undefined); }
        })
        .finally(() => { if (!controller.signal.aborted) setCounting(false); });
    }, 400);
    return () => { clearTimeout(timer); controller.abort(); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const change = (patch: Partial<RecipientRule>) => onChange?.({ ...rule, ...patch });
  const tagOptions = tags.map((tag) => ({ value: tag, label: tag }));
  const labelOptions = SYSTEM_LABELS.map((l) => ({ value: l, label: t(`rule.label.${l}`) }));

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <div>
        <label htmlFor={`${id}-include`}>{t('rule.includeTags')}</label>
        <Select id={`${id}-include`} mode="tags" value={rule.include_tags} options={tagOptions}
                onChange={(v: string[]) => change({ include_tags: v })} style={{ width: '100%' }}
                placeholder={t('rule.includeTagsPlaceholder')} data-testid="rule-include-tags" />
        <Radio.Group value={rule.match ?? 'ANY'} onChange={(e) => change({ match: e.target.value as Match })}
                     aria-label={t('rule.match')} style={{ marginTop: 4 }}>
          <Radio value="ANY">{t('rule.matchAny')}</Radio>
          <Radio value="ALL">{t('rule.matchAll')}</Radio>
        </Radio.Group>
      </div>
      <div>
        <label htmlFor={`${id}-exclude`}>{t('rule.excludeTags')}</label>
        <Select id={`${id}-exclude`} mode="tags" value={rule.exclude_tags ?? []} options={tagOptions}
                onChange={(v: string[]) => change({ exclude_tags: v })} style={{ width: '100%' }} />
      </div>
      <div>
        <label htmlFor={`${id}-labels`}>{t('rule.includeLabels')}</label>
        <Select id={`${id}-labels`} mode="multiple" value={rule.include_labels ?? []} options={labelOptions}
                onChange={(v: string[]) => change({ include_labels: v })} style={{ width: '100%' }}
                data-testid="rule-include-labels" />
      </div>
      <div>
        <label htmlFor={`${id}-xlabels`}>{t('rule.excludeLabels')}</label>
        <Select id={`${id}-xlabels`} mode="multiple" value={rule.exclude_labels ?? []} options={labelOptions}
                onChange={(v: string[]) => change({ exclude_labels: v })} style={{ width: '100%' }} />
      </div>
      <Space align="center">
        <div data-testid="planned-audience">
          <Statistic title={t('rule.planned')} value={rule.include_tags.length ? result?.planned_audience ?? '…' : 0} />
        </div>
        {counting && <Spin size="small" />}
      </Space>
      {!rule.include_tags.length && <Typography.Text type="warning">{t('rule.needsTag')}</Typography.Text>}
      {result?.labels_ignored && <Alert type="info" showIcon message={t('rule.labelsIgnored')} />}
      {error && <Alert type="error" showIcon message={error} />}
    </Space>
  );
}
