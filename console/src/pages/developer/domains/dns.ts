// How a sending domain's records are shown for copying. DNS providers' forms (Aliyun DNS, DNSPod, Cloudflare ...)
// ask for the host relative to the zone ("@", "_dmarc", "s1._domainkey"), the type, the value and, for MX, a
// priority on its own; a zone file wants the full name with a trailing dot and TXT values cut into quoted strings
// of at most 255 characters (a 2048-bit DKIM key does not fit in one). Both are derived here from the api's record.

export interface DnsRecord {
  purpose: string;
  type: string;
  host: string;
  expected_value: string;
  required: boolean;
  status: string;
  observed_value: string | null;
  checked_at: string | null;
  provider_status: string | null;
  provider_reason: string | null;
}

/** The MX priority we suggest when the api's value carries none (the provider's own MX uses 10 too). */
export const DEFAULT_MX_PRIORITY = 10;
export const DEFAULT_TTL = 600;
/** A TXT character-string holds at most 255 bytes (RFC 1035 §3.3). */
const TXT_CHUNK = 255;

const trimDot = (name: string) => name.trim().replace(/\.+$/, '').toLowerCase();

/** "s1._domainkey.example.com" in zone "example.com" -> "s1._domainkey"; the zone itself -> "@". */
export function relativeHost(host: string, domain: string): string {
  const h = trimDot(host);
  const d = trimDot(domain);
  if (h === d) return '@';
  if (d && h.endsWith(`.${d}`)) return h.slice(0, h.length - d.length - 1);
  return h;
}

/** The value as a DNS provider's form wants it: MX without its priority, TXT unquoted and whole. */
export function recordValue(record: Pick<DnsRecord, 'type' | 'expected_value'>): string {
  const value = record.expected_value.trim();
  if (record.type === 'MX') return trimDot(value.replace(/^\d+\s+/, ''));
  return value;
}

export function mxPriority(record: Pick<DnsRecord, 'type' | 'expected_value'>): number | undefined {
  if (record.type !== 'MX') return undefined;
  const m = /^(\d+)\s+/.exec(record.expected_value.trim());
  return m ? Number(m[1]) : DEFAULT_MX_PRIORITY;
}

/** A TXT value as zone-file character-strings: quotes and backslashes escaped, cut every 255 characters. */
export function txtStrings(value: string): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < value.length || chunks.length === 0; i += TXT_CHUNK) {
    chunks.push(value.slice(i, i + TXT_CHUNK));
  }
  return chunks.map((c) => `"${c.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
}

/** One line of a BIND zone file: `name. TTL IN TYPE rdata`. */
export function zoneFileLine(record: Pick<DnsRecord, 'type' | 'host' | 'expected_value'>, ttl = DEFAULT_TTL): string {
  const name = `${trimDot(record.host)}.`;
  let rdata: string;
  switch (record.type) {
    case 'TXT':
      rdata = txtStrings(record.expected_value.trim()).join(' ');
      break;
    case 'MX':
      rdata = `${mxPriority(record)} ${recordValue(record)}.`;
      break;
    case 'CNAME':
      rdata = `${trimDot(record.expected_value)}.`;
      break;
    default:
      rdata = record.expected_value.trim();
  }
  return `${name} ${ttl} IN ${record.type} ${rdata}`;
}

/** Every record of a domain as a zone-file snippet, required ones first, to paste into a DNS provider's import. */
export function zoneFile(records: DnsRecord[], ttl = DEFAULT_TTL): string {
  return [...records]
    .sort((a, b) => Number(b.required) - Number(a.required))
    .map((r) => zoneFileLine(r, ttl))
    .join('\n');
}
