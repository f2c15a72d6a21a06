/**
 * OTLP export through a real child process (the exporters load `http` through a dynamic
 * `import()`, which Jest's CommonJS sandbox cannot run) to a real HTTP receiver on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { serve } from './testing/serve';

const execFileP = promisify(execFile);

describe('createTelemetry with OTLP', () => {
  it('ok/otlp traces and metrics are posted as protobuf when OTEL_EXPORTER_OTLP_ENDPOINT is set', async () => {
    const seen: { path?: string; type?: string; bytes: number }[] = [];
    const srv = await serve((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        seen.push({ path: req.url, type: req.headers['content-type'], bytes });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      });
    });
    try {
      // A real child process: the exporters' dynamic import() of `http` cannot run inside Jest.
      const root = path.resolve(__dirname, '../../..');
      const env = JSON.stringify({ OTEL_EXPORTER_OTLP_ENDPOINT: srv.url });
      const { stdout } = await execFileP(
        process.execPath,
        ['tools/scripts/run-ts.js', 'libs/telemetry/src/testing/otlp-probe.ts', env],
        {
          cwd: root,
          timeout: 20_000,
          env: { PATH: process.env.PATH ?? '' },
        },
      );
      expect(stdout.trim()).toBe('ok');
      // forceFlush and shutdown each export the metrics once.
      const paths = [...new Set(seen.map((s) => s.path))].sort();
      expect(paths).toEqual(['/v1/metrics', '/v1/traces']);
      for (const s of seen) {
        expect(s.type).toBe('application/x-protobuf');
        expect(s.bytes).toBeGreaterThan(10);
      }
    } finally {
      await srv.close();
    }
  }, 30_000);
});
