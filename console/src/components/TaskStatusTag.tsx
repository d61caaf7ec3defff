import Tag from 'antd/es/tag';
import { useI18n } from '../i18n';

const colors: Record<string, string> = {
  DRAFT: 'default', SCHEDULED: 'blue', ACTIVE: 'blue', SENDING: 'processing', PAUSED: 'warning',
  COMPLETED: 'success', FINISHED: 'success', CANCELLED: 'default', FAILED: 'error',
};

/** A campaign's or task's status as a coloured, translated tag. */
export default function TaskStatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  return <Tag color={colors[status] ?? 'default'}>{t(`status.${status}`)}</Tag>;
}
