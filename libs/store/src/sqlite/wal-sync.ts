import { closeSync, fsync, openSync } from 'node:fs';
import { StoreError } from '../errors';

/**
 * Makes commits durable without blocking the event loop. The connection runs with
 * `synchronous=NORMAL` (a commit only writes the WAL), and the store calls {@link WalSync.sync}
 * after every write and before it resolves: an fsync of the `-wal` file on the libuv thread
 * pool. So a write that has resolved survives power loss, as with `synchronous=FULL`, but the
 * thread keeps serving requests while the disk flushes, and the next transaction may commit
 * meanwhile (its own sync follows). Other callers of the same connection can read a commit
 * before its sync ends (never a power-loss risk for what was acknowledged). Checkpoints stay
 * SQLite's: it syncs the WAL before and the database file after each one.
 */
export class WalSync {
  private fd: number | undefined;

  constructor(private readonly walPath: string) {}

  private running?: Promise<void>;
  private next?: Promise<void>;

  /**
   * Resolves after an fsync of the WAL that started after this call, so everything committed
   * before the call is durable. Callers that arrive while an fsync runs share the one after it
   * (group sync). Rejects with StoreError DB_ERROR if the file cannot be opened or synced.
   */
  sync(): Promise<void> {
    if (!this.running) {
      const run = this.fsyncOnce().finally(() => {
        if (this.running === run) this.running = undefined;
      });
      this.running = run;
      return run;
    }
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.sync();
      });
    return this.next;
  }

  private fsyncOnce(): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        // The WAL exists from the first write on and SQLite keeps it while a connection is open.
        this.fd ??= openSync(this.walPath, 'r');
      } catch (err) {
        return reject(new StoreError('DB_ERROR', 'cannot open the write-ahead log to sync it', { cause: err }));
      }
      fsync(this.fd, (err) =>
        err ? reject(new StoreError('DB_ERROR', 'fsync of the write-ahead log failed', { cause: err })) : resolve(),
      );
    });
  }

  /** Waits for the syncs in flight, then closes the WAL descriptor (idempotent). */
  async close(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running)?.catch(() => undefined);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
