import Result from 'antd/es/result';
import Button from 'antd/es/button';
import { Link } from 'react-router-dom';
import { useI18n } from '../i18n';

export default function NotFoundPage() {
  const { t } = useI18n();
  return (
    <Result status="404" title={t('notFound.title')} subTitle={t('notFound.text')}
            extra={<Link to="/"><Button type="primary">{t('notFound.home')}</Button></Link>} />
  );
}
