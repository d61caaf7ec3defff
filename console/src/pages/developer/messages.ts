import type { Dayjs } from 'dayjs';

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'unknown';
export const MESSAGE_STATUSES: MessageStatus[] = ['queued', 'sending', 'sent', 'failed', 'unknown'];

export interface MessageEvent {
  type: string;
  at: string;
  machine: boolean;
  url: string | null;
}

/** A row of GET /v1/messages. */
export interface MessageSummary {
  id: string;
  status: MessageStatus;
  from: string;
  to: string;
  subject: string;
  campaign_id: string | null;
  tags: string[];
  created_at: string;
  sent_at: string | null;
  error: string | null;
}

/** GET /v1/messages/{id}: the row with its events. */
export interface Message extends MessageSummary {
  events: MessageEvent[];
}

export interface MessageFilters {
  status?: MessageStatus;
  campaign_id?: string;
  to?: string;
  tag?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

/**
 * The list's query from the filter form: blanks are left out (not sent as empty parameters, which the api refuses),
 * text is trimmed, and the time range becomes from (inclusive) and until (exclusive).
 */
export function messageQuery(filters: MessageFilters, page: number, size: number) {
  const text = (v?: string) => (v && v.trim() ? v.trim() : undefined);
  return {
    status: filters.status,
    campaign_id: text(filters.campaign_id),
    to: text(filters.to),
    tag: text(filters.tag),
    from: filters.range?.[0]?.toISOString(),
    until: filters.range?.[1]?.toISOString(),
    page,
    size,
  };
}
