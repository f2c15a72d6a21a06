/**
 * A throw-away PostgreSQL 15 server (Debian's binaries) for end-to-end tests: initdb into a
 * temp dir, listening on 127.0.0.1 only with its unix socket in that dir, trust auth, no fsync.
 * As root the server must run as the `postgres` OS user (initdb refuses root), so the data dir
 * is chowned to it and the binaries run through `su postgres`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs PostgreSQL 15's server binaries. */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

/** A running PostgreSQL server. */
export interface TestPostgres {
  readonly port: number;
  /** Fast shutdown (pg_ctl -m immediate), then SIGKILL of the postmaster if needed; removes the dir. */
  stop(): void;
}

/** True when the PostgreSQL server binaries are installed. */
export function postgresAvailable(): boolean {
  return existsSync(join(PG_BIN, 'initdb')) && existsSync(join(PG_BIN, 'pg_ctl'));
}

function asPostgres(cmd: string): { status: number | null; out: string } {
  const isRoot = process.getuid?.() === 0;
  const r = isRoot
    ? spawnSync('su', ['postgres', '-s', '/bin/bash', '-c', cmd], { encoding: 'utf8', timeout: 30_000 })
    : spawnSync('/bin/bash', ['-c', cmd], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/**
 * Creates and starts a server on `port` (127.0.0.1).
 * @throws Error with initdb's or pg_ctl's output when either fails
 */
export function startPostgres(port: number): TestPostgres {
  const dir = mkdtempSync(join(tmpdir(), 'tm-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  if (process.getuid?.() === 0) spawnSync('chown', ['-R', 'postgres', dir]);
  const init = asPostgres(`${PG_BIN}/initdb -D ${data} -U postgres --auth=trust --no-locale --no-sync -E UTF8`);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.out}`);
  }
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`;
  const start = asPostgres(`${PG_BIN}/pg_ctl -D ${data} -l ${dir}/pg.log -w -t 20 -o '${opts}' start`);
  const stop = (): void => {
    asPostgres(`${PG_BIN}/pg_ctl -D ${data} -m immediate -w -t 10 stop`);
    const pidFile = join(data, 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      try {
        if (pid > 0) process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (start.status !== 0) {
    stop();
    throw new Error(`pg_ctl start failed: ${start.out}`);
  }
  return { port, stop };
}
