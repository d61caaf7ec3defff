import type { RecipientRule } from './rule';

export interface DeliveryCounts {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  unknown: number;
  cancelled: number;
  skipped: number;
  total: number;
}

export interface Task {
  id: number;
  campaign_id: number;
  seq: number;
  name: string;
  plan_time: string;
  status: string;
  pause_reason: string | null;
  audience_size: number | null;
  actual_start_time: string | null;
  actual_end_time: string | null;
  recipient_rule: RecipientRule;
  template_set_id: number;
  sender_name: string;
  deliveries: DeliveryCounts;
  workflow_id: string;
}

export interface CampaignSummary {
  id: number;
  name: string;
  origin: string;
  status: string;
  start_time: string | null;
  interval_days: number;
  task_count: number;
  activated_at: string | null;
  workflow_id: string;
  created_at: string;
  updated_at: string;
}

export interface Campaign extends Omit<CampaignSummary, 'task_count'> {
  tasks: Task[];
  live_progress: { state: string; total_tasks: number; next_task_id: number | null; next_plan_time: string | null } | null;
  live_progress_note: string | null;
}

export interface TaskProgress {
  id: number;
  status: string;
  pause_reason: string | null;
  plan_time: string;
  actual_start_time: string | null;
  actual_end_time: string | null;
  planned_audience: number | null;
  actual_audience: number;
  deliveries: DeliveryCounts;
  by_template: { template_id: number | null; template_name: string | null; total: number; sent: number; failed: number }[];
  live: { state: string; pause_reason: string | null; audience_size: number } | null;
  live_note: string | null;
}

export interface ReportCounts {
  audience: number;
  sent: number;
  failed: number;
  delivered: number;
  bounced: number;
  opened: number;
  clicked: number;
  replied: number;
  unsubscribed: number;
  opens: number;
  machine_opens: number;
  rates: Record<'delivered' | 'bounced' | 'opened' | 'clicked' | 'replied' | 'unsubscribed', number>;
}

export interface TemplateReport {
  template_id: number | null;
  template_name: string | null;
  counts: ReportCounts;
}

export interface TaskReport {
  task_id: number;
  campaign_id: number;
  name: string;
  status: string;
  totals: ReportCounts;
  by_template: TemplateReport[];
}

export interface CampaignReport {
  campaign_id: number;
  name: string;
  status: string;
  totals: ReportCounts;
  by_template: TemplateReport[];
  by_task: TaskReport[];
  api_messages: ReportCounts;
}

/** Campaign and task states in which the operator can pause, resume or cancel. */
export const CAN_PAUSE = new Set(['ACTIVE', 'SCHEDULED', 'SENDING']);
export const CAN_RESUME = new Set(['PAUSED']);
export const CAN_CANCEL = new Set(['ACTIVE', 'SCHEDULED', 'SENDING', 'PAUSED']);
