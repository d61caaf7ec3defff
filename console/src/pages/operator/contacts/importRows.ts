// Reading a contacts file in the browser before anything is sent: CSV (RFC 4180 quoting; a header row naming
// email, nickname, tags — also 邮箱/昵称/标签) or JSON (the api's own import format). Each row is checked as
// the api checks it, so the preview shows every bad row with its reason and only good rows are imported.

export interface ImportRow {
  /** 1-based line (CSV) or index + 1 (JSON) in the file, for the person to find it */
  line: number;
  email: string;
  nickname?: string;
  tags: string[];
  errors: string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_TAGS = 50;
const MAX_TAG_LENGTH = 100;

/** Parses CSV text into records; quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((cell) => cell.trim() !== ''));
}

const HEADER_NAMES: Record<string, 'email' | 'nickname' | 'tags'> = {
  email: 'email', 'e-mail': 'email', mail: 'email', 邮箱: 'email', 邮件: 'email', 邮箱地址: 'email',
  nickname: 'nickname', name: 'nickname', 昵称: 'nickname', 姓名: 'nickname',
  tags: 'tags', tag: 'tags', 标签: 'tags',
};

/** Tags in one cell: separated by ; | or 、 (a comma would need quoting in CSV). */
export function splitTags(cell: string | undefined): string[] {
  if (!cell) return [];
  return [...new Set(cell.split(/[;|、]/).map((t) => t.trim()).filter(Boolean))];
}

function check(row: ImportRow): ImportRow {
  const errors: string[] = [];
  if (!row.email) errors.push('email.missing');
  else if (!EMAIL.test(row.email)) errors.push('email.invalid');
  if (row.tags.length > MAX_TAGS) errors.push('tags.tooMany');
  if (row.tags.some((t) => t.length > MAX_TAG_LENGTH)) errors.push('tags.tooLong');
  return { ...row, errors };
}

export function rowsFromCsv(text: string, extraTags: string[] = []): ImportRow[] {
  const records = parseCsv(text);
  if (!records.length) return [];
  const header = records[0].map((h) => HEADER_NAMES[h.trim().toLowerCase()]);
  const hasHeader = header.includes('email');
  const columns = hasHeader ? header : ['email', 'nickname', 'tags'];
  return records.slice(hasHeader ? 1 : 0).map((record, i) => {
    const value = (name: string) => {
      const index = columns.indexOf(name as never);
      return index >= 0 ? record[index]?.trim() : undefined;
    };
    return check({
      line: i + (hasHeader ? 2 : 1),
      email: value('email') ?? '',
      nickname: value('nickname') || undefined,
      tags: [...new Set([...splitTags(value('tags')), ...extraTags])],
      errors: [],
    });
  });
}

export function rowsFromJson(text: string, extraTags: string[] = []): ImportRow[] {
  const data = JSON.parse(text);
  if (!Array.isArray(data)) throw new Error('json.notArray');
  return data.map((item, i) => {
    const o = (item ?? {}) as { email?: unknown; nickname?: unknown; tags?: unknown };
    const tags = Array.isArray(o.tags) ? o.tags.map((t) => String(t).trim()).filter(Boolean) : [];
    return check({
      line: i + 1,
      email: typeof o.email === 'string' ? o.email.trim() : '',
      nickname: typeof o.nickname === 'string' && o.nickname.trim() ? o.nickname.trim() : undefined,
      tags: [...new Set([...tags, ...extraTags])],
      errors: [],
    });
  });
}

/** The api's import body from the good rows. */
export function importBody(rows: ImportRow[]) {
  return rows.filter((r) => !r.errors.length).map((r) => ({ email: r.email, nickname: r.nickname, tags: r.tags }));
}
