import { useState } from 'react';
import Alert from 'antd/es/alert';
import Modal from 'antd/es/modal';
import Select from 'antd/es/select';
import Space from 'antd/es/space';
import Table from 'antd/es/table';
import Tag from 'antd/es/tag';
import Typography from 'antd/es/typography';
import Upload from 'antd/es/upload';
import Button from 'antd/es/button';
import { UploadOutlined } from '@ant-design/icons';
import { api, ApiError } from '../../../api/client';
import { useI18n } from '../../../i18n';
import { importBody, rowsFromCsv, rowsFromJson, type ImportRow } from './importRows';

interface ImportResult {
  received: number;
  distinct_addresses: number;
  created: number;
  updated: number;
}

/**
 * Import a CSV or JSON file: the file is read and checked in the browser first, the preview lists every row with
 * its problems, and only the good rows are sent (the api imports all or nothing, so one bad row would refuse all).
 */
export default function ImportModal({ open, onClose, onImported }: {
  open: boolean;
  onClose: () => void;
  onImported: (result: ImportResult) => void;
}) {
  const { t } = useI18n();
  const [fileName, setFileName] = useState<string>();
  const [text, setText] = useState<string>();
  const [extraTags, setExtraTags] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  let rows: ImportRow[] = [];
  let parseError: string | undefined;
  if (text !== undefined && fileName) {
    try {
      rows = fileName.toLowerCase().endsWith('.json') ? rowsFromJson(text, extraTags) : rowsFromCsv(text, extraTags);
    } catch (e) {
      parseError = (e as Error).message === 'json.notArray' ? t('contacts.import.notArray') : t('contacts.import.badJson');
    }
  }
  const good = rows.filter((r) => !r.errors.length).length;
  const bad = rows.length - good;

  function reset() {
    setFileName(undefined);
    setText(undefined);
    setExtraTags([]);
    setError(undefined);
  }

  async function submit() {
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.post<ImportResult>('/v1/contacts/import', importBody(rows));
      onImported(result);
      reset();
    } catch (e) {
      // the api names a bad row by index into what was sent ("[3].email"): show it with the file's line
      const sent = rows.filter((r) => !r.errors.length);
      const messages = e instanceof ApiError
        ? (e.problem.errors?.length ? e.problem.errors : [{ field: '', message: e.message }]).map((p) => {
            const index = /^\[(\d+)\]/.exec(p.field)?.[1];
            return index !== undefined && sent[Number(index)]
              ? t('contacts.import.rowError', { line: sent[Number(index)].line, message: p.message })
              : p.message;
          })
        : [String(e)];
      setError(messages.join('\n'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open={open} title={t('contacts.import.title')} width={860} onCancel={() => { reset(); onClose(); }}
           okText={t('contacts.import.submit', { count: good })} onOk={submit}
           okButtonProps={{ disabled: !good, loading: busy }} destroyOnClose>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('contacts.import.help')}</Typography.Paragraph>
        <Space wrap>
          <Upload accept=".csv,.json,text/csv,application/json" showUploadList={false} maxCount={1}
                  beforeUpload={(file) => {
                    file.text().then((content) => { setFileName(file.name); setText(content); });
                    return false;
                  }}>
            <Button icon={<UploadOutlined />} data-testid="import-file">{t('contacts.import.choose')}</Button>
          </Upload>
          {fileName && <Typography.Text>{fileName}</Typography.Text>}
        </Space>
        <label>
          {t('contacts.import.extraTags')}
          <Select mode="tags" value={extraTags} onChange={setExtraTags} style={{ width: '100%' }}
                  aria-label={t('contacts.import.extraTags')} tokenSeparators={[',', ';']} open={false} />
        </label>
        {parseError && <Alert type="error" showIcon message={parseError} />}
        {rows.length > 0 && (
          <Alert type={bad ? 'warning' : 'success'} showIcon
                 message={t('contacts.import.summary', { total: rows.length, good, bad })} />
        )}
        {error && <Alert type="error" showIcon message={<span style={{ whiteSpace: 'pre-line' }}>{error}</span>}
                         role="alert" />}
        {rows.length > 0 && (
          <div data-testid="import-preview">
          <Table<ImportRow> rowKey="line" dataSource={rows} size="small" pagination={{ pageSize: 8 }}
                            scroll={{ x: 600 }}
                            rowClassName={(r) => (r.errors.length ? 'import-row-bad' : '')}
                            columns={[
                              { title: t('contacts.import.line'), dataIndex: 'line', width: 70 },
                              { title: t('contacts.email'), dataIndex: 'email' },
                              { title: t('contacts.nickname'), dataIndex: 'nickname' },
                              { title: t('contacts.tags'), dataIndex: 'tags',
                                render: (tags: string[]) => tags.map((x) => <Tag key={x}>{x}</Tag>) },
                              { title: t('contacts.import.problems'), dataIndex: 'errors',
                                render: (errors: string[]) => errors.map((x) => (
                                  <Typography.Text type="danger" key={x}>{t(`contacts.import.${x}`)}</Typography.Text>
                                )) },
                            ]} />
          </div>
        )}
      </Space>
    </Modal>
  );
}
