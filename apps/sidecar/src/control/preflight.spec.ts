/**
 * The checks before the network, on real files in a temp directory: every case of the shared
 * table (testing/config-cases.ts) reports its one problem, and a start refuses with its code
 * exactly when it refuses today (the first-issuance checks are `--check` only).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAD_FILES, MANY_PROBLEMS, writeFiles } from '../testing/config-cases';
import { preflight } from './preflight';

describe('preflight', () => {
  const base = mkdtempSync(join(tmpdir(), 'tm-sidecar-preflight-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  let n = 0;
  const fresh = () => {
    const dir = join(base, `case-${++n}`);
    mkdirSync(dir);
    return dir;
  };

  it('ok/every file usable: the config and the CA PEM, no problem (a key file that does not exist yet is fine)', async () => {
    const f = writeFiles(fresh());
    const withKey = writeFiles(fresh(), undefined, { withKey: true });
    rmSync(withKey.keyFile);
    for (const path of [f.config, withKey.config]) {
      const r = await preflight(path, { issuance: true });
      expect({ problems: r.problems, error: r.error, type: r.config?.serviceType }).toEqual({
        problems: [],
        error: undefined,
        type: 'api',
      });
      expect(r.caPem?.toString()).toContain('-----BEGIN CERTIFICATE-----');
    }
  });

  it.each(BAD_FILES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const path = c.write(fresh());
    const checked = await preflight(path, { issuance: true });
    expect(checked.problems.map(({ path: p, code }) => ({ path: p, code }))).toEqual([c.problem]);
    const start = await preflight(path);
    expect((start.error as { code?: string } | undefined)?.code).toBe(
      c.start === 'starts' ? undefined : c.problem.code,
    );
  });

  it('fail/config issues and file problems are all listed: the files named by valid fields are still checked', async () => {
    const dir = fresh();
    const f = writeFiles(dir, MANY_PROBLEMS.text);
    rmSync(f.tokenFile);
    const r = await preflight(f.config, { issuance: true });
    expect(r.problems.map(({ path, code }) => ({ path, code }))).toEqual([
      ...MANY_PROBLEMS.issues,
      { path: 'signer.tokenFile', code: 'TOKEN_UNREADABLE' },
    ]);
    expect(r.error).toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
