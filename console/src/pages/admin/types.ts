// What the admin endpoints answer (snake_case as on the wire).

export type Role = 'ADMIN' | 'OPERATOR';

export interface User {
  id: number;
  username: string;
  email: string;
  role: Role;
  enabled: boolean;
  quota_balance: number;
  last_login_at: string | null;
  /** when a sign-in lock (too many failed sign-ins) ends; null when none holds */
  locked_until: string | null;
  status: 'ACTIVE' | 'PENDING_VERIFICATION';
  created_at: string;
}

// a user's quota and its ledger rows: the same for the operator's own quota page (components/LedgerTable)
export type { LedgerEntry, Quota } from '../../components/LedgerTable';

export type ServiceState = 'ACTIVE' | 'FROZEN' | 'DISABLED';

export interface SenderService {
  id: number;
  name: string;
  provider: 'SMTP' | 'ALIYUN_DM' | 'ENGAGELAB';
  domain: string;
  smtp: { host: string; port: number; username: string | null; tls: boolean | null } | null;
  aliyun: { access_key_id: string; region: string | null; account_name: string | null; from_alias: string | null } | null;
  engagelab: { api_user: string; endpoint: string | null } | null;
  has_secret: boolean;
  state: ServiceState;
  daily_quota: number;
  used_today: number;
  remaining_today: number;
  sends_today: number | null;
  quota_day_started_at: string;
  next_reset_at: string;
  throttle_seconds: number;
  reset_time: string;
  time_zone: string;
  failure_threshold: number;
  failure_window_minutes: number | null;
  enabled: boolean;
  frozen_reason: string | null;
  frozen_at: string | null;
  consecutive_failures: number;
  last_error: string | null;
  last_error_at: string | null;
  workflow_id: string;
  live: { workflow_state: string; cooling_until: string | null; quota_resets_at: string | null;
          waiting_task_ids: number[] } | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor_id: number | null;
  actor_username: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  request: unknown;
  client_ip: string | null;
}

export interface AlertItem {
  id: number;
  kind: string;
  severity: 'WARNING' | 'CRITICAL';
  state: 'open' | 'acknowledged' | 'resolved';
  subject: string;
  owner_id: number | null;
  sender_service_id: number | null;
  message: string;
  details: unknown;
  created_at: string;
  resolved_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: number | null;
}

export const ALERT_KINDS = ['SENDER_BOUNCE_RATE_HIGH', 'CAMPAIGN_OPEN_RATE_LOW', 'SENDER_SERVICE_FROZEN',
  'TASK_PAUSED_NO_SERVICE', 'TASK_PAUSED_NO_QUOTA', 'QUOTA_LOW', 'DOMAIN_DNS_FAILING'];
