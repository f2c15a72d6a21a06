/**
 * haproxy 2.6 as the chain, `mode tcp`: A's server line presents the api certificate, trusts the
 * db root only and checks `db.internal` (`verify required verifyhost`); B's bind presents the db
 * certificate, requires a client certificate chaining to the api root, and a `tcp-request
 * session` rule rejects any CN but `api.internal`. TLS 1.3 only, 2 threads, `maxconn 8000`
 * (20000 does not start with this FD limit; docs/BENCHMARKS.md "The anchors"), no logging (its
 * default). Without `resume`: no client session reuse, no tickets, no server session cache.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../lib/server-process';
import type { BenchCerts } from './certs';
import type { Pair, Processes } from './pair';

function config(dir: string, name: string, resume: boolean, body: string[]): string {
  const file = join(dir, `${name}.cfg`);
  writeFileSync(
    file,
    [
      'global',
      '  maxconn 8000',
      '  nbthread 2',
      ...(resume ? [] : ['  tune.ssl.cachesize 0']),
      'defaults',
      '  mode tcp',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      ...body,
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * Starts B then A (each waited for until it listens) and returns the pair. Configs and logs go
 * to `dir`; throws if either process exits or does not listen within 20 s.
 */
export async function startHaproxyPair(
  procs: Processes,
  dir: string,
  certs: BenchCerts,
  echoPort: number,
  resume: boolean,
): Promise<Pair> {
  const name = resume ? 'haproxy-resume' : 'haproxy';
  const [entryPort, tlsPort] = [await freePort(), await freePort()];
  const b = config(dir, `${name}-b`, resume, [
    'frontend in',
    `  bind 127.0.0.1:${tlsPort} ssl crt ${certs.db.combined} ca-file ${certs.apiRoot} verify required ssl-min-ver TLSv1.3${resume ? '' : ' no-tls-tickets'}`,
    '  tcp-request session reject unless { ssl_c_s_dn(CN) -m str api.internal }',
    '  default_backend echo',
    'backend echo',
    `  server echo 127.0.0.1:${echoPort}`,
  ]);
  const a = config(dir, `${name}-a`, resume, [
    'frontend out',
    `  bind 127.0.0.1:${entryPort}`,
    '  default_backend peer',
    'backend peer',
    `  server db 127.0.0.1:${tlsPort} ssl crt ${certs.api.combined} ca-file ${certs.dbRoot} verify required verifyhost db.internal ssl-min-ver TLSv1.3${resume ? '' : ' no-ssl-reuse'}`,
  ]);
  const pb = await procs.start({
    cmd: 'haproxy',
    args: ['-db', '-f', b],
    port: tlsPort,
    logFile: join(dir, `${name}-b.out`),
  });
  const pa = await procs.start({
    cmd: 'haproxy',
    args: ['-db', '-f', a],
    port: entryPort,
    logFile: join(dir, `${name}-a.out`),
  });
  return { name, entryPort, tlsPort, pids: [pa.pid, pb.pid] };
}
