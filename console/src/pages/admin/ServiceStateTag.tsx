import Tag from 'antd/es/tag';
import { useI18n } from '../../i18n';
import type { ServiceState } from './types';

const colors: Record<ServiceState, string> = { ACTIVE: 'green', FROZEN: 'blue', DISABLED: 'default' };

export default function ServiceStateTag({ state }: { state: ServiceState }) {
  const { t } = useI18n();
  return <Tag color={colors[state]} data-testid="service-state">{t(`admin.services.state.${state}`)}</Tag>;
}
