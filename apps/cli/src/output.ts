/**
 * Rendering for humans (aligned tables) and machines (JSON with ISO dates, no key material).
 */
import type { CaRecord, TokenRecord } from '@trustmesh/store';
import type { CliIo } from './command';

/** Prints rows as left-aligned columns under a header. */
export function printTable(io: CliIo, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  io.out(line(header));
  for (const r of rows) io.out(line(r));
}

/** CAs sorted by type, then root before intermediate, then newest first. */
export function sortCas(cas: readonly CaRecord[]): CaRecord[] {
  return [...cas].sort(
    (a, b) =>
      a.serviceType.localeCompare(b.serviceType) ||
      (a.role === b.role ? 0 : a.role === 'root' ? -1 : 1) ||
      b.createdAt.getTime() - a.createdAt.getTime(),
  );
}

/** The `ca list` table: type, role, ca id, subject, not after, state. */
export function printCaTable(io: CliIo, cas: readonly CaRecord[]): void {
  printTable(
    io,
    ['TYPE', 'ROLE', 'CA ID', 'SUBJECT', 'NOT AFTER', 'STATE'],
    sortCas(cas).map((c) => [c.serviceType, c.role, c.id, c.subject, c.notAfter.toISOString(), c.state]),
  );
}

/** JSON view of a CA record (certificate as base64 DER; never a key). */
export function caJson(c: CaRecord): Record<string, unknown> {
  return {
    id: c.id,
    serviceType: c.serviceType,
    role: c.role,
    parentId: c.parentId,
    state: c.state,
    subject: c.subject,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    keyRef: c.keyRef,
    createdAt: c.createdAt.toISOString(),
  };
}

/** Lifecycle state of a token at `now`; revoked and used win over expired. */
export type TokenState = 'active' | 'used' | 'expired' | 'revoked';

/** Computes a token's state at `now`. */
export function tokenState(t: TokenRecord, now: Date): TokenState {
  if (t.revokedAt) return 'revoked';
  if (t.usedAt) return 'used';
  return t.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

/** JSON view of a token: never the secret, never the hash. */
export function tokenJson(t: TokenRecord, now: Date): Record<string, unknown> {
  return {
    id: t.id,
    serviceType: t.serviceType,
    instanceId: t.instanceId,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt.toISOString(),
    state: tokenState(t, now),
    usedAt: t.usedAt ? t.usedAt.toISOString() : null,
    revokedAt: t.revokedAt ? t.revokedAt.toISOString() : null,
  };
}

/** The CLI's warning sink: one stderr line `trustmesh: warning: <text>` per warning. */
export function warnTo(io: CliIo): (text: string) => void {
  return (text) => io.err(`trustmesh: warning: ${text}`);
}
