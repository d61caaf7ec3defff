import Typography from 'antd/es/typography';
import { useI18n } from '../../../i18n';

export default function CampaignPage() {
  const { t } = useI18n();
  return <Typography.Title level={2}>{t('nav.campaigns')}</Typography.Title>;
}
