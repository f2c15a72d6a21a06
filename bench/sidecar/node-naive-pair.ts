/**
 * Starts the node-naive reference pair (see node-naive.ts) with the same api/db leaves as
 * stunnel and haproxy. `resume` lets A offer the last session it got.
 */
import { join } from 'node:path';
import { freePort } from '../lib/server-process';
import { ROOT, type BenchCerts } from './certs';
import type { Pair, Processes } from './pair';

/** Starts B then A; throws if either exits or does not listen within 20 s. */
export async function startNodeNaivePair(
  procs: Processes,
  dir: string,
  certs: BenchCerts,
  echoPort: number,
  resume: boolean,
): Promise<Pair> {
  const name = resume ? 'node-naive-resume' : 'node-naive';
  const [entryPort, tlsPort] = [await freePort(), await freePort()];
  const run = [join(ROOT, 'tools/scripts/run-ts.js'), join(__dirname, 'node-naive.ts')];
  const pb = await procs.start({
    cmd: process.execPath,
    args: [...run, 'b', String(tlsPort), String(echoPort), certs.db.chain, certs.db.key, certs.apiRoot],
    port: tlsPort,
    cwd: ROOT,
    logFile: join(dir, `${name}-b.log`),
  });
  const pa = await procs.start({
    cmd: process.execPath,
    args: [
      ...run,
      'a',
      String(entryPort),
      String(tlsPort),
      certs.api.chain,
      certs.api.key,
      certs.dbRoot,
      resume ? '1' : '0',
    ],
    port: entryPort,
    cwd: ROOT,
    logFile: join(dir, `${name}-a.log`),
  });
  return { name, entryPort, tlsPort, pids: [pa.pid, pb.pid] };
}
