/**
 * A sidecar process for process-level tests. Reads one JSON line on
 * stdin — `{ yaml, keyPem, chainPem[], roots: {type: pem[]}, bundleVersion }` — starts the
 * sidecar with that material, prints `READY {"route":port,...,"admin":port}` and exits 0 after a
 * graceful shutdown on SIGTERM/SIGINT. Logs go to stderr.
 * Run: `node tools/scripts/run-ts.js apps/sidecar/src/testing/child-sidecar.ts`.
 */
import { parseConfig } from '../config/parse-config';
import { createIdentity } from '../identity/identity';
import { IdentityStore } from '../identity/identity-source';
import { JsonLogger } from '../observe/logger';
import { exitOnSignals } from '../signals';
import { startSidecar } from '../sidecar';
import { createTrustBundle, TrustStore } from '../trust/trust-source';

interface ChildInput {
  yaml: string;
  keyPem: string;
  chainPem: string[];
  roots: Record<string, string[]>;
  bundleVersion: number;
  /** Drop per-connection log lines (load tests measure the proxy, not stderr). */
  quiet?: boolean;
}

async function main(): Promise<void> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const input = JSON.parse(text) as ChildInput;
  const config = parseConfig(input.yaml);
  const identities = new IdentityStore();
  identities.set(createIdentity(input.keyPem, input.chainPem));
  const trust = new TrustStore();
  trust.set(createTrustBundle(input.bundleVersion, input.roots));
  const json = new JsonLogger((line) => process.stderr.write(line));
  const logger = input.quiet
    ? {
        log: (level: 'debug' | 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) => {
          if (level !== 'info') json.log(level, event, fields);
        },
      }
    : json;
  const sidecar = await startSidecar({ config, identities, trust, logger });
  exitOnSignals(sidecar, { logger });
  const ports: Record<string, number> = { admin: sidecar.admin.address.port };
  for (const l of await sidecar.listening) ports[l.name] = l.address.port;
  process.stdout.write(`READY ${JSON.stringify(ports)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', event: 'start_failed', error: e instanceof Error ? e.message : String(e), code: (e as { code?: string }).code })}\n`,
  );
  process.exit(1);
});
