/**
 * The text printed after `service-type` has written its files: locking the new workspace package,
 * the CLI steps that give the new type its CA set and a bootstrap token, how to run and test it,
 * and any peer route the generator
 * could not add itself (a peer without a deploy file, or one it cannot edit in place).
 */
import type { SidecarPlan } from './sidecar-plan';

/** Renders the next steps for `plan`; `manual` lists the peer changes left to the developer. */
export function nextSteps(plan: SidecarPlan, manual: readonly string[]): string {
  const n = plan.name;
  const lines = [
    `Service type ${n} added. Next steps:`,
    `  1. Lock the package:    npm install --no-audit --no-fund   (adds @trustmesh/service-${n} to package-lock.json; npm ci refuses a stale lock)`,
    `  2. Create its CA set:   npx trustmesh ca create ${n} --dir ./state --config trustmesh.yaml`,
    `  3. Issue a token:       mkdir -p state/tokens && npx trustmesh token create --type ${n} --dir ./state > state/tokens/${n}.token`,
    `  4. Run it:              npx nx serve ${n}   and   npx trustmesh sidecar --config deploy/${n}/sidecar.yaml`,
    `  5. Test it:             npx nx test ${n}`,
  ];
  if (manual.length > 0) {
    lines.push(
      '  6. Route the peers by hand (their sidecars enforce the same matrix):',
      ...manual.map((m) => `     ${m}`),
    );
  }
  return lines.join('\n');
}
