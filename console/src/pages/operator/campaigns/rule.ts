// A task's recipient rule as the api takes it (api/.../campaign/RecipientRule.java).

export type Match = 'ANY' | 'ALL';

export interface RecipientRule {
  include_tags: string[];
  match?: Match;
  exclude_tags?: string[];
  include_labels?: string[];
  exclude_labels?: string[];
}

/** The campaign's system labels (seed 000 §2.2); the "un-" ones mean: sent to in this campaign and did not … */
export const SYSTEM_LABELS = ['opened_in_campaign', 'unopened_in_campaign', 'clicked_in_campaign',
  'replied_in_campaign', 'unreplied_in_campaign'] as const;

export function emptyRule(): RecipientRule {
  return { include_tags: [], match: 'ANY', exclude_tags: [], include_labels: [], exclude_labels: [] };
}

/** The rule as stored and sent: empty label lists left out (the api keeps the old shape for rules without labels). */
export function normalizeRule(rule: RecipientRule): RecipientRule {
  const out: RecipientRule = {
    include_tags: rule.include_tags,
    match: rule.match ?? 'ANY',
    exclude_tags: rule.exclude_tags ?? [],
  };
  if (rule.include_labels?.length) out.include_labels = rule.include_labels;
  if (rule.exclude_labels?.length) out.exclude_labels = rule.exclude_labels;
  return out;
}

/** Query parameters of GET /v1/contacts/audience-count for a rule. */
export function countQuery(rule: RecipientRule) {
  return {
    include_tags: rule.include_tags,
    match: rule.match ?? 'ANY',
    exclude_tags: rule.exclude_tags ?? [],
    include_labels: rule.include_labels ?? [],
    exclude_labels: rule.exclude_labels ?? [],
  };
}
