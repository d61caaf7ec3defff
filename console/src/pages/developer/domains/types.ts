import type { DnsRecord } from './dns';

export interface Domain {
  id: number;
  name: string;
  /** PENDING, VERIFIED, FAILED or EXPIRED (checking stopped after 72 h: "check now" starts over) */
  status: string;
  dkim_selector: string;
  verified_at: string | null;
  last_checked_at: string | null;
  created_at: string;
  workflow_id: string;
  provider_registration: string;
  provider_reason: string | null;
  records: DnsRecord[];
}

export interface Mailbox {
  id: number;
  domain_id: number;
  address: string;
  local_part: string;
  status: 'PROVISIONING' | 'NORMAL' | 'FAILED' | 'DISABLED';
  failure_reason: string | null;
  has_smtp_credentials: boolean;
  created_at: string;
  workflow_id: string;
}

export const domainStatusColor: Record<string, string> = {
  PENDING: 'gold', VERIFIED: 'green', FAILED: 'red', EXPIRED: 'default',
};

export const recordStatusColor: Record<string, string> = {
  PENDING: 'default', MATCHED: 'green', MISMATCHED: 'red', MISSING: 'orange',
};
