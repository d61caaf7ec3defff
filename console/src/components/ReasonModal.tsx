import { useState } from 'react';
import Alert from 'antd/es/alert';
import Input from 'antd/es/input';
import Modal from 'antd/es/modal';
import { useI18n } from '../i18n';

/** Asks for the reason of a pause or cancel (optional, at most 500 characters; shown in the log). */
export default function ReasonModal({ title, open, danger, onCancel, onConfirm }: {
  title: string;
  open: boolean;
  danger?: boolean;
  onCancel: () => void;
  onConfirm: (reason: string) => Promise<void>;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <Modal open={open} title={title} onCancel={onCancel} okButtonProps={{ danger, loading: busy }}
           okText={title} destroyOnClose
           onOk={async () => {
             setBusy(true);
             setError(undefined);
             try {
               await onConfirm(reason.trim());
               setReason('');
             } catch (e) {
               setError((e as Error).message);
             } finally {
               setBusy(false);
             }
           }}>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <label htmlFor="reason-input">{t('form.reason')}</label>
      <Input.TextArea id="reason-input" value={reason} maxLength={500} rows={3} showCount
                      onChange={(e) => setReason(e.target.value)} />
    </Modal>
  );
}
