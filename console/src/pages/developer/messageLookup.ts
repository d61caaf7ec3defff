import { ApiError, type ProblemDetail } from '../../api/client';

export interface MessageEvent {
  type: string;
  at: string;
  machine: boolean;
  url: string | null;
}

export interface Message {
  id: string;
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'unknown';
  from: string;
  to: string;
  subject: string;
  campaign_id: string | null;
  tags: string[];
  created_at: string;
  sent_at: string | null;
  error: string | null;
  events: MessageEvent[];
}


/**
 * GET /api/v1/messages/{id} takes only API keys (a leaked console session must not read the developer API and a
 * leaked key must not act in the console), so this page asks for one of the person's keys. The key is sent with its
 * look-ups and kept nowhere but in its password field: not in storage or the address, gone when the page is left.
 * The api has no list of API messages yet: a message is found by the id the send answered.
 */
export async function fetchMessage(id: string, key: string): Promise<Message> {
  const response = await fetch(`/api/v1/messages/${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${key}`, Accept: 'application/json, application/problem+json' },
  });
  if (!response.ok) {
    let problem: ProblemDetail;
    try {
      problem = { status: response.status, ...(await response.json()) };
    } catch {
      problem = { status: response.status, title: response.statusText };
    }
    // name the field the person can fix: a refused key or an unknown id
    const field = response.status === 401 ? 'api_key' : response.status === 404 ? 'id' : undefined;
    if (field && !problem.errors?.length) {
      problem.errors = [{ field, message: problem.detail || problem.title || `HTTP ${response.status}` }];
    }
    throw new ApiError(problem);
  }
  return response.json() as Promise<Message>;
}
