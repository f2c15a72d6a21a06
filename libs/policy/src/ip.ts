const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

/**
 * True for a textual IPv4 (dotted quad, no leading zeros) or IPv6 address (RFC 4291 forms,
 * including `::` compression and an embedded IPv4 tail; no zone id). Pure: no `node:net`.
 */
export function isIpAddress(text: string): boolean {
  if (typeof text !== 'string' || text.length > 45) return false;
  return IPV4.test(text) || isIpv6(text);
}

function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (s: string): string[] | null => (s === '' ? [] : s.split(':'));
  const parts = halves.map(groups);
  if (parts.some((p) => p === null)) return false;
  let count = 0;
  const all = parts.flat() as string[];
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    if (i === all.length - 1 && g.includes('.')) {
      if (!IPV4.test(g)) return false;
      count += 2;
    } else if (HEXTET.test(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}
