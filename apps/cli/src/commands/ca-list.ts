/** `trustmesh ca list`: every CA with type, role, id, subject, not after and state. */
import { defineCommand } from '../command';
import { COMMON_OPTIONS } from '../config';
import { caJson, printCaTable, sortCas } from '../output';
import { withState } from '@trustmesh/ca';

export const caListCommand = defineCommand<Record<string, never>>({
  path: ['ca', 'list'],
  summary: 'list every CA: type, role (root/intermediate), CA id, subject, not after, state',
  args: { positionals: [], options: { dir: COMMON_OPTIONS.dir, json: COMMON_OPTIONS.json } },
  configure: () => ({}),
  run: (cfg, io) =>
    withState(cfg.dir, { lock: false }, async ({ store }) => {
      const cas = await store.listCas();
      if (cfg.json) io.out(JSON.stringify(sortCas(cas).map(caJson), null, 2));
      else printCaTable(io, cas);
      return 0;
    }),
});
