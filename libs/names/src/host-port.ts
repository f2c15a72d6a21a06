/**
 * Network addresses as written in configs and flags:
 *   host-port = host ":" port  |  "[" ipv6 "]" ":" port
 *   host      = ipv4 | host name        (ip.ts; host name: dns.ts hostnameProblem)
 *   port      = "0" | [1-9] [0-9]{0,4}  in 1–65535; 0 ("any free port") only when the caller
 *               allows it, i.e. for listeners
 * IPv6 needs its brackets (`::1:443` is refused: where would the port start?); no scheme, no
 * path, no zone id, no upper-case host names.
 */
import { hostnameProblem } from './dns';
import { NameError, problem, type NameProblem } from './errors';
import { isIpv4, isIpv6 } from './ip';

/** A parsed `host:port`. `host` is IPv6 text without its brackets. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Options of the host:port checks. */
export interface HostPortOptions {
  /** Admit port 0 ("any free port"): listeners only. Default false. */
  readonly allowPortZero?: boolean;
}

const PORT_RE = /^(?:0|[1-9][0-9]{0,4})$/;
const BAD_ANY_PORT = problem(
  'ADDRESS_INVALID',
  'must be host:port (IPv4, DNS name or [IPv6]) with a port from 0 to 65535',
);
const BAD_REAL_PORT = problem(
  'ADDRESS_INVALID',
  'must be host:port (IPv4, DNS name or [IPv6]) with a port from 1 to 65535',
);

/** The parts, or the problem. */
function split(text: unknown, o: HostPortOptions): HostPort | NameProblem {
  const bad = o.allowPortZero ? BAD_ANY_PORT : BAD_REAL_PORT;
  if (typeof text !== 'string') return bad;
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') return bad;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (!isIpv6(host)) return bad;
  } else {
    const colon = text.indexOf(':');
    if (colon < 0 || text.indexOf(':', colon + 1) >= 0) return bad;
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (!isIpv4(host) && hostnameProblem(host) !== null) return bad;
  }
  if (!PORT_RE.test(portText)) return bad;
  const port = Number(portText);
  if (port > 65535 || (port === 0 && !o.allowPortZero)) return bad;
  return { host, port };
}

/** Why `text` is not a host:port (grammar above), or null when it is. */
export function hostPortProblem(text: unknown, o: HostPortOptions = {}): NameProblem | null {
  const r = split(text, o);
  return 'code' in r ? r : null;
}

/** The host and port of `text`. @throws NameError ADDRESS_INVALID */
export function parseHostPort(text: unknown, o: HostPortOptions = {}): HostPort {
  const r = split(text, o);
  if ('code' in r) throw new NameError(r);
  return r;
}

/** `host:port`, IPv6 in brackets: the inverse of {@link parseHostPort}. */
export function formatHostPort(a: HostPort): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
