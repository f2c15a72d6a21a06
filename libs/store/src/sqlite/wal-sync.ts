import { closeSync, fsync, openSync } from 'node:fs';
import { StoreError } from '../errors';

/**
 * Makes commits durable without blocking the event loop. The connection runs with
 * `synchronous=NORMAL` (a commit only writes the WAL), and the store calls {@link WalSync.sync}
 * after every write and before it resolves: one fsync of the `-wal` file on the libuv thread
 * pool. So a write that has resolved survives power loss, exactly as with `synchronous=FULL`,
 * but the thread keeps serving requests while the disk flushes (the signer's group commit
 * collects the next batch meanwhile). Checkpoints stay SQLite's: it syncs the WAL before and
 * the database file after each one.
 */
export class WalSync {
  private fd: number | undefined;

  constructor(private readonly walPath: string) {}

  /** fsync of the WAL; rejects with StoreError DB_ERROR if the file cannot be opened or synced. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        // The WAL exists from the first write on and SQLite keeps it while a connection is open.
        this.fd ??= openSync(this.walPath, 'r');
      } catch (err) {
        return reject(new StoreError('DB_ERROR', 'cannot open the write-ahead log to sync it', { cause: err }));
      }
      fsync(this.fd, (err) => (err ? reject(new StoreError('DB_ERROR', 'fsync of the write-ahead log failed', { cause: err })) : resolve()));
    });
  }

  /** Closes the WAL descriptor (idempotent). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
