import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../index';
import { describeStoreContract } from '../testing/contract';
import { sqliteAuditTamper } from '../testing/sqlite-tamper';

const dir = mkdtempSync(join(tmpdir(), 'tm-store-contract-'));
let n = 0;
const fresh = () => join(dir, `s${++n}.db`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract('sqlite', () => openSqliteStore(fresh()), {
  openWithTamper: async () => {
    const file = fresh();
    const store = await openSqliteStore(file);
    return { store, tamper: sqliteAuditTamper(file) };
  },
});
