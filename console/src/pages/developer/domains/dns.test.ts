import { describe, expect, it } from 'vitest';
import { mxPriority, recordValue, relativeHost, txtStrings, zoneFile, zoneFileLine, type DnsRecord } from './dns';

const rec = (type: string, host: string, value: string, required = true): DnsRecord => ({
  purpose: 'X', type, host, expected_value: value, required, status: 'PENDING', observed_value: null,
  checked_at: null, provider_status: null, provider_reason: null,
});

describe('DNS records to copy', () => {
  it('gives the host relative to the zone, as DNS providers ask for it', () => {
    expect(relativeHost('example.com', 'example.com')).toBe('@');
    expect(relativeHost('s1._domainkey.Example.com.', 'example.com')).toBe('s1._domainkey');
    expect(relativeHost('_dmarc.mail.example.com', 'mail.example.com')).toBe('_dmarc');
    // a name outside the zone stays whole rather than being cut wrongly ("notexample.com" is not in "example.com")
    expect(relativeHost('notexample.com', 'example.com')).toBe('notexample.com');
  });

  it('separates an MX priority from its host and suggests 10 when the api gives none', () => {
    expect(recordValue(rec('MX', 'bounce.example.com', 'mxdm.aliyun.com'))).toBe('mxdm.aliyun.com');
    expect(mxPriority(rec('MX', 'bounce.example.com', 'mxdm.aliyun.com'))).toBe(10);
    expect(mxPriority(rec('MX', 'bounce.example.com', '5 mx.example.net.'))).toBe(5);
    expect(recordValue(rec('MX', 'bounce.example.com', '5 mx.example.net.'))).toBe('mx.example.net');
    expect(mxPriority(rec('TXT', 'example.com', 'v=spf1 ~all'))).toBeUndefined();
  });

  it('cuts a long TXT value (a DKIM key) into 255-character strings that join back to the value', () => {
    const key = `v=DKIM1; k=rsa; p=${'A'.repeat(392)}`;
    const strings = txtStrings(key);
    expect(strings).toHaveLength(2);
    expect(strings.every((s) => s.length <= 257)).toBe(true);
    expect(strings.map((s) => s.slice(1, -1)).join('')).toBe(key);
    expect(txtStrings('say "hi"')).toEqual(['"say \\"hi\\""']);
    expect(txtStrings('')).toEqual(['""']);
  });

  it('writes zone-file lines with full names, trailing dots and the required records first', () => {
    expect(zoneFileLine(rec('TXT', '_dmarc.example.com', 'v=DMARC1; p=none')))
      .toBe('_dmarc.example.com. 600 IN TXT "v=DMARC1; p=none"');
    expect(zoneFileLine(rec('MX', 'bounce.example.com', 'mxdm.aliyun.com'), 300))
      .toBe('bounce.example.com. 300 IN MX 10 mxdm.aliyun.com.');
    expect(zoneFileLine(rec('CNAME', 'dm.example.com', 'dm.aliyun.com'))).toBe('dm.example.com. 600 IN CNAME dm.aliyun.com.');
    const file = zoneFile([rec('TXT', 'a.example.com', 'optional', false), rec('TXT', 'b.example.com', 'needed')]);
    expect(file.split('\n')).toEqual(['b.example.com. 600 IN TXT "needed"', 'a.example.com. 600 IN TXT "optional"']);
  });
});
