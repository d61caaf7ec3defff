import { describe, expect, it } from 'vitest';
import { importBody, parseCsv, rowsFromCsv, rowsFromJson } from './importRows';

describe('contact file import', () => {
  it('reads quoted CSV fields with commas, quotes and line breaks', () => {
    expect(parseCsv('a,"b, c","say ""hi""","two\nlines"\r\nx,y,,\n')).toEqual([
      ['a', 'b, c', 'say "hi"', 'two\nlines'],
      ['x', 'y', '', ''],
    ]);
  });

  it('maps a Chinese or English header, splits tags and flags each bad row with its line', () => {
    const rows = rowsFromCsv('\uFEFF邮箱,昵称,标签\nli@example.com,李雷,vip;webinar\nnot-an-address,X,vip\n,No mail,\n',
      ['imported']);
    expect(rows.map((r) => [r.line, r.email, r.errors])).toEqual([
      [2, 'li@example.com', []],
      [3, 'not-an-address', ['email.invalid']],
      [4, '', ['email.missing']],
    ]);
    expect(rows[0].tags).toEqual(['vip', 'webinar', 'imported']);
    expect(importBody(rows)).toEqual([{ email: 'li@example.com', nickname: '李雷', tags: ['vip', 'webinar', 'imported'] }]);
  });

  it('takes email, nickname, tags in that order when there is no header', () => {
    const rows = rowsFromCsv('han@example.com,Han Meimei,webinar\n');
    expect(rows[0]).toMatchObject({ line: 1, email: 'han@example.com', nickname: 'Han Meimei', tags: ['webinar'] });
  });

  it('reads the api\'s JSON format', () => {
    const rows = rowsFromJson('[{"email": "a@example.com", "tags": ["x"]}, {"nickname": "no mail"}]');
    expect(rows.map((r) => r.errors)).toEqual([[], ['email.missing']]);
    expect(() => rowsFromJson('{"email": "a@example.com"}')).toThrow('json.notArray');
  });
});
