/**
 * Test helper run as a real child process (the OTLP exporters load `http` through a dynamic
 * `import()`, which Jest's CommonJS sandbox cannot run): `otlp-probe.ts '<env as JSON>'` creates
 * telemetry with that env, records one span and one counter, flushes, shuts down and prints `ok`.
 */
import { createTelemetry } from '../index';

async function main(): Promise<void> {
  const env = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
  const t = createTelemetry({ serviceName: 'otlp-probe', env });
  t.tracer.startSpan('probe').end();
  t.meter.createCounter('probe_events').add(1);
  await t.forceFlush();
  await t.shutdown();
  process.stdout.write('ok\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
