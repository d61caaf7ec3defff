import Alert from 'antd/es/alert';
import Card from 'antd/es/card';
import Col from 'antd/es/col';
import Row from 'antd/es/row';
import Statistic from 'antd/es/statistic';
import Typography from 'antd/es/typography';
import { api } from '../../../api/client';
import { useApi } from '../../../api/useApi';
import { useI18n } from '../../../i18n';
import LedgerTable, { type Quota } from '../../../components/LedgerTable';

/** The signed-in user's quota and its ledger (every change, newest first; the balance is their sum). */
export default function QuotaPage() {
  const { t } = useI18n();
  const quota = useApi((signal) => api.get<Quota>('/v1/me/quota', undefined, signal), []);
  return (
    <>
      <Typography.Title level={2}>{t('quota.title')}</Typography.Title>
      {quota.error && <Alert type="error" showIcon message={quota.error.message} />}
      {quota.data?.low && <Alert type="warning" showIcon message={t('quota.low', { threshold: quota.data.low_threshold })}
                                 style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}><Card><Statistic title={t('quota.balance')} value={quota.data?.balance ?? '–'} /></Card></Col>
        <Col xs={12} md={8}>
          <Card><Statistic title={t('quota.reservedUnstarted')} value={quota.data?.reserved_in_unstarted_tasks ?? '–'} /></Card>
        </Col>
        <Col xs={12} md={8}>
          <Card><Statistic title={t('quota.reservedRunning')} value={quota.data?.reserved_in_running_tasks ?? '–'} /></Card>
        </Col>
      </Row>
      <Typography.Title level={4} style={{ marginTop: 24 }}>{t('quota.ledger')}</Typography.Title>
      <LedgerTable path="/v1/me/quota/ledger" />
    </>
  );
}
