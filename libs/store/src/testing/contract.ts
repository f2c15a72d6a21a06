import { Store } from '../types';
import { AuditTamper, describeAuditContract } from './contract-audit';
import { describeRecordsContract } from './contract-records';
import { describeTokensContract } from './contract-tokens';
import { describeTransactionsContract } from './contract-transactions';

export type { AuditTamper } from './contract-audit';

/** Optional capabilities an implementation's spec can hand to the contract. */
export interface StoreContractOptions {
  /**
   * Opens a store plus raw access to its audit rows, bypassing the append-only guard, to
   * prove verifyAudit names tampered records. Without it the tamper cases are not declared.
   */
  openWithTamper?: () => Promise<{ store: Store; tamper: AuditTamper }>;
}

/**
 * Declares the behaviour every Store implementation must have (Jest `describe`/`it`). Call it
 * from an implementation's spec: `describeStoreContract('sqlite', () => openSqliteStore(tmp()))`.
 * `open` must return a fresh, empty store each time; the contract closes it after each test.
 */
export function describeStoreContract(name: string, open: () => Promise<Store>, o: StoreContractOptions = {}): void {
  describe(`Store contract: ${name}`, () => {
    describeRecordsContract(open);
    describeTokensContract(open);
    describeTransactionsContract(open);
    describeAuditContract(open, o.openWithTamper);
  });
}
