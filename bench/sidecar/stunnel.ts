/**
 * stunnel 5 as the chain: A in client mode (api certificate, trusts the db root only, checks
 * `db.internal`), B in server mode (db certificate, requires a client certificate chaining to the
 * api root with host `api.internal`). TLS 1.3 only, TCP_NODELAY both sides, `syslog = no` and
 * `foreground = quiet` (syslog() falls back to /dev/console here and costs ms per line;
 * docs/BENCHMARKS.md "The anchors"), default log level `notice` to a file. `resume` turns client-side
 * session resumption on; off, every connection is a full handshake.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../lib/server-process';
import type { BenchCerts } from './certs';
import type { Pair, Processes } from './pair';

function config(dir: string, name: string, service: string[]): string {
  const file = join(dir, `${name}.conf`);
  writeFileSync(
    file,
    [
      'foreground = quiet',
      'syslog = no',
      'pid =',
      `output = ${join(dir, `${name}.log`)}`,
      'debug = notice',
      'socket = l:TCP_NODELAY=1',
      'socket = r:TCP_NODELAY=1',
      '',
      ...service,
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * Starts B then A (each waited for until it listens) and returns the pair. Configs and logs go
 * to `dir`; throws if either process exits or does not listen within 20 s.
 */
export async function startStunnelPair(
  procs: Processes,
  dir: string,
  certs: BenchCerts,
  echoPort: number,
  resume: boolean,
): Promise<Pair> {
  const name = resume ? 'stunnel-resume' : 'stunnel';
  const [entryPort, tlsPort] = [await freePort(), await freePort()];
  const b = config(dir, `${name}-b`, [
    '[in]',
    `accept = 127.0.0.1:${tlsPort}`,
    `connect = 127.0.0.1:${echoPort}`,
    `cert = ${certs.db.chain}`,
    `key = ${certs.db.key}`,
    `CAfile = ${certs.apiRoot}`,
    'verifyChain = yes',
    'requireCert = yes',
    'checkHost = api.internal',
    'sslVersionMin = TLSv1.3',
  ]);
  const a = config(dir, `${name}-a`, [
    '[out]',
    'client = yes',
    `accept = 127.0.0.1:${entryPort}`,
    `connect = 127.0.0.1:${tlsPort}`,
    `cert = ${certs.api.chain}`,
    `key = ${certs.api.key}`,
    `CAfile = ${certs.dbRoot}`,
    'verifyChain = yes',
    'checkHost = db.internal',
    'sslVersionMin = TLSv1.3',
    `sessionResume = ${resume ? 'yes' : 'no'}`,
  ]);
  const pb = await procs.start({ cmd: 'stunnel', args: [b], port: tlsPort, logFile: join(dir, `${name}-b.out`) });
  const pa = await procs.start({ cmd: 'stunnel', args: [a], port: entryPort, logFile: join(dir, `${name}-a.out`) });
  return { name, entryPort, tlsPort, pids: [pa.pid, pb.pid] };
}
