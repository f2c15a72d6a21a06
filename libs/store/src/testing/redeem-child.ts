/**
 * Child process for the cross-process redemption race (sqlite-concurrency.child.e2e.ts):
 * `node -r @swc-node/register redeem-child.ts <db> <hash>` opens the store, prints `ready`,
 * waits for a line on stdin, redeems once and prints `ok` or the StoreError code.
 */
import { createInterface } from 'node:readline';
import { isStoreError, openSqliteStore } from '../index';

async function main(): Promise<void> {
  const [file, hash] = process.argv.slice(2);
  const store = await openSqliteStore(file);
  process.stdout.write('ready\n');
  const rl = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => rl.once('line', () => resolve()));
  rl.close();
  try {
    await store.redeemToken(hash, new Date(Date.UTC(2026, 0, 1, 0, 0, 1)), { serviceType: 'api', instanceId: 'api-1' });
    process.stdout.write('ok\n');
  } catch (err) {
    process.stdout.write(`${isStoreError(err) ? err.code : 'UNEXPECTED'}\n`);
  } finally {
    await store.close();
  }
}

void main();
