import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../index';
import { tokenRecord } from '../testing/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'tm-store-race-'));
let n = 0;
const fresh = () => join(dir, `r${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Two connections in one process: sqlite-concurrency.spec.ts.
describe('SQLite: several connections on one file', () => {
  it('ok/three processes race to redeem one token: exactly one wins', async () => {
    const file = fresh();
    const s = await openSqliteStore(file);
    const { record } = tokenRecord('t1');
    await s.putToken(record);
    const child = join(__dirname, '..', 'testing', 'redeem-child.ts');
    const procs = Array.from({ length: 3 }, () =>
      spawn(process.execPath, ['-r', '@swc-node/register', child, file, record.hash], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const lines = procs.map((p) => {
      let buf = '';
      const waiters: ((l: string[]) => void)[] = [];
      p.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        waiters.forEach((w) => w(buf.split('\n').filter(Boolean)));
      });
      return (count: number) =>
        new Promise<string[]>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`child output so far: ${buf}`)), 20_000);
          const check = (l: string[]) => {
            if (l.length >= count) {
              clearTimeout(timer);
              resolve(l);
            }
          };
          waiters.push(check);
          check(buf.split('\n').filter(Boolean));
        });
    });
    try {
      await Promise.all(lines.map((wait) => wait(1))); // every child has opened the store
      procs.forEach((p) => p.stdin.write('go\n'));
      const outcomes = (await Promise.all(lines.map((wait) => wait(2)))).map((l) => l[1]).sort();
      expect(outcomes).toEqual(['TOKEN_USED', 'TOKEN_USED', 'ok']);
      expect((await s.listTokens())[0].usedAt).toEqual(new Date(Date.UTC(2026, 0, 1, 0, 0, 1)));
    } finally {
      procs.forEach((p) => p.exitCode === null && p.kill());
      await s.close();
    }
  }, 30_000);
});
