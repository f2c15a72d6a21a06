/**
 * @trustmesh/nx-plugin — the workspace's local Nx generators (see generators.json and README):
 * `service-type` adds a service type to trustmesh.yaml and scaffolds it; `remove-service-type`
 * undoes that. The YAML edit functions are exported for tests and other tooling.
 */
export { serviceTypeGenerator, normalizeOptions } from './generators/service-type/generator';
export type { NormalizedServiceType } from './generators/service-type/generator';
export type { ServiceTypeSchema } from './generators/service-type/schema';
export { removeServiceTypeGenerator, typesUsing } from './generators/remove-service-type/generator';
export type { RemoveServiceTypeSchema } from './generators/remove-service-type/schema';
export { GeneratorError } from './lib/errors';
export type { GeneratorErrorCode } from './lib/errors';
export { addServiceType, removeServiceType, addEdge, removeEdge } from './lib/mesh-edit';
export type { NewServiceType, EdgeKey } from './lib/mesh-edit';
export { planSidecar, renderSidecarYaml, DEFAULT_SIGNER } from './lib/sidecar-plan';
export type { SidecarPlan, OutboundPlan, SignerBlock } from './lib/sidecar-plan';
export { usedPorts, portAllocator, SCAFFOLD_PORT_MIN, SCAFFOLD_PORT_MAX } from './lib/ports';
export { nextSteps } from './lib/next-steps';
