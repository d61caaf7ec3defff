import { ApartmentOutlined } from '@ant-design/icons';
import Typography from 'antd/es/typography';
import { useConsoleConfig, workflowUrl } from '../api/consoleConfig';
import { useI18n } from '../i18n';

/** A link to a workflow in the Temporal Web UI (for engineers); just the id when no UI is configured. */
export default function WorkflowLink({ workflowId }: { workflowId: string }) {
  const { t } = useI18n();
  const url = workflowUrl(useConsoleConfig(), workflowId);
  if (!url) return <Typography.Text type="secondary" copyable>{workflowId}</Typography.Text>;
  return (
    <Typography.Link href={url} target="_blank" rel="noreferrer" title={t('temporal.link')}
                     data-testid="workflow-link">
      <ApartmentOutlined /> {workflowId}
    </Typography.Link>
  );
}
