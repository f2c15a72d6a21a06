/**
 * Keeps the peers' scaffolds in step with the matrix when a type is added or removed: their
 * deploy/<peer>/sidecar.yaml routes and the `--peer` arguments of their serve commands. A peer
 * with no deploy file (or a layout that cannot be edited in place) is left alone and named in
 * the next steps instead, with the exact route to add.
 */
import type { Tree } from '@nx/devkit';
import { acceptOnFirstInbound, addRoute, removeTypeFromSidecar } from './deploy-edit';
import { GeneratorError } from './errors';
import { addPeerArg, removePeerArg, servePort } from './serve-peers';
import type { SidecarPlan } from './sidecar-plan';

/** File contents to write (path → text) and the route changes left to the developer. */
export interface PeerChanges {
  writes: Map<string, string>;
  manual: string[];
}

const deployFile = (type: string) => `deploy/${type}/sidecar.yaml`;
const projectFile = (type: string) => `apps/services/${type}/project.json`;

/** Runs one file edit; a GeneratorError about that file becomes a manual step instead. */
function attempt(changes: PeerChanges, manual: string, edit: () => boolean): void {
  try {
    if (!edit()) changes.manual.push(manual);
  } catch (err) {
    if (!(err instanceof GeneratorError)) throw err;
    changes.manual.push(`${manual} (not edited: ${err.detail ?? err.code})`);
  }
}

/** The current text of `path`, counting edits already planned in `changes`. */
function current(tree: Tree, changes: PeerChanges, path: string): string | null {
  return changes.writes.get(path) ?? tree.read(path, 'utf-8');
}

/** Plans the peers' side of adding `plan.name`. Reads the tree, writes nothing. */
export function peerChangesForAdd(tree: Tree, plan: SidecarPlan): PeerChanges {
  const changes: PeerChanges = { writes: new Map(), manual: [] };
  const n = plan.name;
  for (const o of plan.outbound) {
    const file = deployFile(o.peerType);
    const hint = o.peerNeedsInbound
      ? `${file}: add an inbound route { name: ${o.peerType}, listen: ${o.connect}, forward: <its service>, accept: [${n}] }`
      : `${file}: add ${n} to the accept list of the inbound route on ${o.connect}`;
    attempt(changes, hint, () => {
      const text = current(tree, changes, file);
      if (text === null) return false;
      if (!o.peerNeedsInbound) {
        const edited = acceptOnFirstInbound(text, file, n);
        if (edited) changes.writes.set(file, edited.text);
        return edited !== null;
      }
      const appPort = servePort(current(tree, changes, projectFile(o.peerType)) ?? '');
      if (appPort === undefined) return false;
      changes.writes.set(
        file,
        addRoute(text, file, 'inbound', [
          ['name', o.peerType],
          ['listen', o.connect],
          ['forward', `127.0.0.1:${appPort}`],
          ['accept', `[${n}]`],
        ]),
      );
      return true;
    });
  }
  for (const c of plan.callers) {
    const file = deployFile(c.type);
    const listen = `127.0.0.1:${c.listenPort}`;
    const connect = `127.0.0.1:${plan.inboundPort}`;
    attempt(
      changes,
      `${file}: add an outbound route { name: ${n}, listen: ${listen}, connect: ${connect}, peerType: ${n} }`,
      () => {
        const text = current(tree, changes, file);
        if (text === null) return false;
        changes.writes.set(
          file,
          addRoute(text, file, 'outbound', [
            ['name', n],
            ['listen', listen],
            ['connect', connect],
            ['peerType', n],
          ]),
        );
        return true;
      },
    );
    const project = current(tree, changes, projectFile(c.type));
    const withPeer = project === null ? null : addPeerArg(project, n, listen);
    if (withPeer !== null) changes.writes.set(projectFile(c.type), withPeer);
    else changes.manual.push(`${c.type}'s service: call ${n} through ${listen}`);
  }
  return changes;
}

/** Plans removing every route and `--peer` argument naming `name` from the other scaffolds. */
export function peerChangesForRemove(tree: Tree, name: string): PeerChanges {
  const changes: PeerChanges = { writes: new Map(), manual: [] };
  const dirs = (root: string) => (tree.exists(root) ? tree.children(root).filter((d) => d !== name) : []);
  for (const dir of dirs('deploy')) {
    const file = deployFile(dir);
    attempt(changes, `${file}: remove the routes to and from ${name}`, () => {
      const text = tree.read(file, 'utf-8');
      if (text === null) return true;
      const out = removeTypeFromSidecar(text, file, name);
      if (out !== text) changes.writes.set(file, out);
      return true;
    });
  }
  for (const dir of dirs('apps/services')) {
    const text = tree.read(projectFile(dir), 'utf-8');
    if (text === null) continue;
    const out = removePeerArg(text, name);
    if (out !== text) changes.writes.set(projectFile(dir), out);
  }
  return changes;
}
