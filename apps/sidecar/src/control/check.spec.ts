/**
 * `trustmesh sidecar --config F --check` in process: every bad case of the shared tables
 * (testing/config-cases.ts: the parser's and the file checks') gives exit 1 and exactly its
 * (path, code) lines; a good config gives exit 0 and one line. The
 * real bin: apps/cli/src/e2e/check.e2e.ts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateSignRequest, meshConfigFromTypes, type SignRequestCsr } from '@trustmesh/policy';
import {
  BAD_CONFIGS,
  BAD_FILES,
  EXAMPLE_CONFIG,
  MANY_PROBLEMS,
  writeFiles,
  type PathCode,
} from '../testing/config-cases';
import { runSidecarCommand } from './command';

interface Outcome {
  code: number;
  out: string;
  problems: PathCode[];
}

/** Runs `--check` on `config`; every stderr line must be `sidecar config <config>: <path>: <CODE>: <message>`. */
async function check(config: string, env: Record<string, string> = {}): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSidecarCommand(['--config', config, '--check'], env, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  const head = `sidecar config ${config}: `;
  const problems = err
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      expect(l.startsWith(head)).toBe(true);
      const [path, reason, message] = l.slice(head.length).split(': ');
      expect(message).toBeTruthy();
      return { path: path ?? '', code: reason ?? '' };
    });
  return { code, out: out.join(''), problems };
}

describe('trustmesh sidecar --check', () => {
  const base = mkdtempSync(join(tmpdir(), 'tm-sidecar-check-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  let n = 0;
  const fresh = () => {
    const dir = join(base, `case-${++n}`);
    mkdirSync(dir);
    return dir;
  };

  it.each([
    ['ok/both route kinds', EXAMPLE_CONFIG, 'type api, instance api-1, 1 inbound, 1 outbound route'],
    [
      'ok/outbound only, two routes',
      EXAMPLE_CONFIG.replace(/inbound:.*\n.*\n/, '').replace(
        'outbound:',
        'outbound:\n  - { name: cache, listen: 127.0.0.1:0, connect: 127.0.0.1:15003, peerType: cache }',
      ),
      'type api, instance api-1, 0 inbound, 2 outbound routes',
    ],
  ])('%s: exit 0, one line saying what was checked', async (_name, text, summary) => {
    const f = writeFiles(fresh(), text, { withKey: true });
    const r = await check(f.config);
    expect(r).toEqual({ code: 0, out: `sidecar config ${f.config}: ok (${summary})\n`, problems: [] });
  });

  it.each(BAD_CONFIGS)("%s: exit 1 with the parser's codes", async (_name, text, issues) => {
    const f = writeFiles(fresh(), text);
    expect(await check(f.config)).toEqual({ code: 1, out: '', problems: issues });
  });

  it.each(BAD_FILES.map((c) => [c.name, c] as const))('%s: exit 1 with its code', async (_name, c) => {
    const path = c.write(fresh());
    expect(await check(path)).toEqual({ code: 1, out: '', problems: [c.problem] });
  });

  it('fail/a config with several problems lists all of them: config issues, then the files of its valid fields', async () => {
    const f = writeFiles(fresh(), MANY_PROBLEMS.text);
    rmSync(f.tokenFile);
    expect(await check(f.config, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toEqual({
      code: 1,
      out: '',
      problems: [
        ...MANY_PROBLEMS.issues,
        { path: 'signer.tokenFile', code: 'TOKEN_UNREADABLE' },
        { path: 'OTEL_*', code: 'OTEL_CONFIG_INVALID' },
      ],
    });
  });

  it.each(['db_1', 'DB-1'])(
    "fail/instance id %s: refused by --check with the code the signer's policy refuses it with",
    async (id) => {
      const f = writeFiles(fresh(), EXAMPLE_CONFIG.replace('instanceId: api-1', `instanceId: ${id}`));
      const r = await check(f.config);
      const csr: SignRequestCsr = {
        publicKey: { algorithm: 'ec-p256', bits: 256 },
        sans: { dns: [], uris: [], ips: [] },
        extensions: [],
        isCaRequested: false,
      };
      let signer: unknown;
      try {
        evaluateSignRequest(meshConfigFromTypes('example.test', ['api']), { serviceType: 'api', instanceId: id, csr });
      } catch (e) {
        signer = (e as { code?: unknown }).code;
      }
      expect({ code: r.code, problems: r.problems, signer }).toEqual({
        code: 1,
        problems: [{ path: 'instanceId', code: 'INSTANCE_ID_INVALID' }],
        signer: 'INSTANCE_ID_INVALID',
      });
    },
  );

  it('fail/--check without --config is a usage error (exit 2)', async () => {
    const err: string[] = [];
    expect(await runSidecarCommand(['--check'], {}, { err: (t) => err.push(t), out: () => undefined })).toBe(2);
    expect(err.join('')).toMatch(/^trustmesh sidecar: ARGS_INVALID: .*--config is required/);
  });
});
