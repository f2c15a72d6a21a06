/**
 * `nx g @trustmesh/nx-plugin:service-type <name> --accepts a,b --dials c [--ttl 24h]`.
 *
 * Flow (the Nx devkit shape): normalizeOptions (validate everything against the current
 * trustmesh.yaml) → edit trustmesh.yaml in place and re-validate the result → addFiles (the
 * service project, its sidecar config, its e2e test) → formatFiles → print the next steps.
 * Every check runs before the first write, so a refused run leaves the tree untouched.
 */
import { formatFiles, generateFiles, joinPathFragments, logger, type GeneratorCallback, type Tree } from '@nx/devkit';
import {
  DEFAULT_MAX_TTL_SECONDS,
  MIN_TTL_SECONDS,
  isPolicyError,
  parseDuration,
  type MeshConfig,
} from '@trustmesh/policy';
import { GeneratorError } from '../../lib/errors';
import { addServiceType } from '../../lib/mesh-edit';
import { MESH_FILE, checkTypeName, parseMesh, readMesh, splitList } from '../../lib/mesh-file';
import { nextSteps } from '../../lib/next-steps';
import { peerChangesForAdd } from '../../lib/peer-routes';
import { planSidecar, renderSidecarYaml, type SidecarPlan } from '../../lib/sidecar-plan';
import type { ServiceTypeSchema } from './schema';

/** Options after validation, with the mesh they were checked against. */
export interface NormalizedServiceType {
  name: string;
  accepts: string[];
  dials: string[];
  leafTtl?: string;
  meshText: string;
  mesh: MeshConfig;
  projectRoot: string;
  deployFile: string;
}

function checkTtl(ttl: string | undefined): string | undefined {
  if (ttl === undefined) return undefined;
  let seconds: number;
  try {
    seconds = parseDuration(String(ttl));
  } catch (err) {
    if (isPolicyError(err)) throw new GeneratorError('TTL_INVALID', `${JSON.stringify(ttl)}: ${err.detail}`);
    throw err;
  }
  if (seconds < MIN_TTL_SECONDS || seconds > DEFAULT_MAX_TTL_SECONDS) {
    throw new GeneratorError('TTL_INVALID', `${ttl}: must be between 1m and 7d (the default maxTtl)`);
  }
  return String(ttl);
}

/**
 * Validates the options against the tree: the name (policy rule), that it is new, that every
 * referenced type exists, the TTL, and that no project or deploy file is in the way.
 *
 * @throws GeneratorError TYPE_NAME_INVALID, CONFIG_MISSING, CONFIG_INVALID, TYPE_EXISTS,
 *   TYPE_UNKNOWN, TTL_INVALID, EDGES_REQUIRED, PROJECT_EXISTS
 */
export function normalizeOptions(tree: Tree, options: ServiceTypeSchema): NormalizedServiceType {
  const name = checkTypeName(options.name);
  const accepts = splitList(options.accepts).map(checkTypeName);
  const dials = splitList(options.dials).map(checkTypeName);
  const { text, config } = readMesh(tree);
  if (config.types[name]) throw new GeneratorError('TYPE_EXISTS', name);
  const unknown = [...accepts, ...dials].filter((t) => !config.types[t]);
  if (unknown.length > 0) throw new GeneratorError('TYPE_UNKNOWN', [...new Set(unknown)].join(', '));
  const leafTtl = checkTtl(options.ttl);
  if (accepts.length + dials.length === 0) throw new GeneratorError('EDGES_REQUIRED', name);
  const projectRoot = `apps/services/${name}`;
  const deployFile = `deploy/${name}/sidecar.yaml`;
  for (const path of [projectRoot, deployFile]) if (tree.exists(path)) throw new GeneratorError('PROJECT_EXISTS', path);
  return { name, accepts, dials, leafTtl, meshText: text, mesh: config, projectRoot, deployFile };
}

/** The edited trustmesh.yaml, re-validated, with the matrix exactly as requested. */
function editedMesh(o: NormalizedServiceType): string {
  const text = addServiceType(o.meshText, { name: o.name, accepts: o.accepts, dials: o.dials, leafTtl: o.leafTtl });
  const added = parseMesh(text).types[o.name];
  const same = (a: readonly string[], b: readonly string[]) => [...a].sort().join() === [...b].sort().join();
  if (!added || !same(added.accepts, o.accepts) || !same(added.dials, o.dials)) {
    throw new GeneratorError('CONFIG_UNSUPPORTED', `the edited file does not define ${o.name} as requested`);
  }
  return text;
}

function addFiles(tree: Tree, o: NormalizedServiceType, plan: SidecarPlan): void {
  const peerArgs = plan.outbound.map((p) => ` --peer ${p.peerType}=127.0.0.1:${p.listenPort}`).join('');
  generateFiles(tree, joinPathFragments(__dirname, 'files'), o.projectRoot, {
    name: o.name,
    appPort: plan.appPort,
    peerArgs,
    tmpl: '',
  });
  tree.write(o.deployFile, renderSidecarYaml(plan));
}

/**
 * The generator. Writes trustmesh.yaml, apps/services/<name>/** and deploy/<name>/sidecar.yaml,
 * and adds the matching routes to the peers' deploy files and `--peer` to their serve commands;
 * the returned callback prints the next steps (CA set, token, any peer route left to do by hand).
 *
 * @throws GeneratorError (see normalizeOptions), CONFIG_UNSUPPORTED, PORTS_EXHAUSTED — before any write
 */
export async function serviceTypeGenerator(tree: Tree, options: ServiceTypeSchema): Promise<GeneratorCallback> {
  const o = normalizeOptions(tree, options);
  const meshText = editedMesh(o);
  const plan = planSidecar(tree, o.name, o.accepts, o.dials);
  const peers = peerChangesForAdd(tree, plan);
  tree.write(MESH_FILE, meshText);
  addFiles(tree, o, plan);
  for (const [path, text] of peers.writes) tree.write(path, text);
  // Prettier formats the new TypeScript and JSON files; YAML is in .prettierignore, so the mesh
  // config and the sidecar configs keep exactly the lines this generator wrote.
  await formatFiles(tree);
  const steps = nextSteps(plan, peers.manual);
  return () => logger.info(steps);
}

export default serviceTypeGenerator;
