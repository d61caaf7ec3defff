import Alert from 'antd/es/alert';
import Button from 'antd/es/button';
import Typography from 'antd/es/typography';
import { useI18n } from '../../i18n';

/**
 * A secret the api answers once (an API key, a webhook signing secret). It lives only in the page's state: gone when
 * the person closes this, leaves the page or reloads; nothing stores it and no later answer carries it.
 */
export default function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <Alert type="success" showIcon style={{ marginBottom: 16 }} data-testid="secret-once"
           message={t('developer.secret.title')}
           description={
             <>
               <Typography.Paragraph>{t('developer.secret.help')}</Typography.Paragraph>
               <Typography.Paragraph code copyable={{ text: secret }} data-testid="secret-value"
                                     style={{ wordBreak: 'break-all' }}>{secret}</Typography.Paragraph>
               <Button onClick={onDone}>{t('developer.secret.done')}</Button>
             </>
           } />
  );
}
