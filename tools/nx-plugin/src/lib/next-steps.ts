/**
 * The text printed after `service-type` has written its files: the CLI steps that give the new
 * type its CA set and a bootstrap token, and the sidecar routes its peers need.
 */
import type { SidecarPlan } from './sidecar-plan';

/** Renders the next steps for `plan` (plain text, one step per line). */
export function nextSteps(plan: SidecarPlan): string {
  const n = plan.name;
  const lines = [
    `Service type ${n} added. Next steps:`,
    `  1. Create its CA set:   npx trustmesh ca create ${n} --dir ./state --config trustmesh.yaml`,
    `  2. Issue a token:       mkdir -p state/tokens && npx trustmesh token create --type ${n} --dir ./state > state/tokens/${n}.token`,
    `  3. Run it:              npx nx serve ${n}   and   npx trustmesh sidecar --config deploy/${n}/sidecar.yaml`,
    `  4. Test it:             npx nx test ${n}`,
  ];
  const peers: string[] = [];
  for (const o of plan.outbound) {
    peers.push(
      o.peerNeedsInbound
        ? `     deploy/${o.peerType}/sidecar.yaml: add an inbound route listening on ${o.connect} with accept: [${n}]`
        : `     deploy/${o.peerType}/sidecar.yaml: add ${n} to the accept list of the inbound route on ${o.connect}`,
    );
  }
  if (plan.inboundPort !== null) {
    for (const a of plan.accepts) {
      peers.push(
        `     deploy/${a}/sidecar.yaml: add an outbound route { name: ${n}, listen: 127.0.0.1:<free port>, connect: 127.0.0.1:${plan.inboundPort}, peerType: ${n} }`,
      );
    }
  }
  if (peers.length > 0) lines.push('  5. Route the peers (their sidecars enforce the same matrix):', ...peers);
  return lines.join('\n');
}
