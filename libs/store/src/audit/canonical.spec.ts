import { StoreError } from '../errors';
import { ZERO_HASH, auditRecordHash, canonicalJson } from './canonical';
import { verifyAuditChain } from './verify-chain';

describe('canonicalJson', () => {
  it.each([
    [
      'ok/keys sorted at every depth',
      { b: 1, a: { d: [3, { f: 1, e: 2 }], c: null } },
      '{"a":{"c":null,"d":[3,{"e":2,"f":1}]},"b":1}',
    ],
    [
      'ok/undefined members dropped, undefined in arrays becomes null',
      { a: undefined, b: [undefined] },
      '{"b":[null]}',
    ],
    ['ok/strings escaped as JSON', { s: 'é"\n' }, '{"s":"é\\"\\n"}'],
  ])('%s', (_n, v, want) => expect(canonicalJson(v)).toBe(want));

  it('ok/same content in another key order encodes the same', () => {
    expect(canonicalJson({ x: 1, y: [1, 2] })).toBe(canonicalJson({ y: [1, 2], x: 1 }));
  });

  it.each([
    ['fail/NaN', { n: Number.NaN }],
    ['fail/bigint', { n: BigInt(1) }],
    ['fail/Date', { d: new Date(0) }],
    ['fail/Buffer', { b: Buffer.from('x') }],
    ['fail/function', { f: () => 1 }],
  ])('%s is INVALID_RECORD', (_n, v) => {
    expect(() => canonicalJson(v)).toThrow(StoreError);
    try {
      canonicalJson(v);
    } catch (err) {
      expect((err as StoreError).code).toBe('INVALID_RECORD');
    }
  });

  it('fail/a cycle is INVALID_RECORD', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/cycle/);
  });
});

describe('verifyAuditChain (pure)', () => {
  const chain = (k: number) => {
    const rows = [];
    let prev = ZERO_HASH;
    for (let seq = 1; seq <= k; seq++) {
      const r = {
        seq,
        at: seq * 1000,
        actor: 'a',
        action: 'x',
        outcome: 'ok',
        reason: null,
        details: null,
        prevHash: prev,
      };
      const hash = auditRecordHash(r);
      rows.push({ ...r, hash });
      prev = hash;
    }
    return rows;
  };

  it('ok/an intact chain with its head', () => {
    const rows = chain(4);
    expect(verifyAuditChain(rows, { seq: 4, hash: rows[3].hash })).toEqual({ ok: true, count: 4 });
    expect(verifyAuditChain([], null)).toEqual({ ok: true, count: 0 });
  });

  it('fail/rows without a head were inserted behind the store', () => {
    expect(verifyAuditChain(chain(2), null)).toEqual({ ok: false, count: 2, firstBadSeq: 1, problem: 'inserted' });
  });

  it('fail/the hash changes with the position and with any field', () => {
    const [r] = chain(1);
    expect(auditRecordHash({ ...r, seq: 2 })).not.toBe(r.hash);
    expect(auditRecordHash({ ...r, reason: '' })).not.toBe(r.hash); // '' and null differ
    expect(auditRecordHash({ ...r, details: '{}' })).not.toBe(r.hash);
  });
});
