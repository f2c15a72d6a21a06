/**
 * X.501 Names: the small subject model this library issues (CN, O, OU) and a decoder that
 * reads any Name into that model plus an RFC 4514-style one-line text.
 */
import { PkiError, type PkiErrorCode } from './errors';
import { OID } from './der/oids';
import type { DerNode } from './der/reader';
import { children, encoded, oidOf, stringOf, TAG } from './der/schema';
import { oid, seq, set, utf8String } from './der/writer';

/** The subject fields TrustMesh sets. All optional; an empty subject is a valid (empty) Name. */
export interface SubjectName {
  commonName?: string;
  organization?: string;
  organizationalUnit?: string;
}

const SHORT: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.organization]: 'O',
  [OID.organizationalUnit]: 'OU',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.5': 'serialNumber',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

// RFC 5280 upper bounds: CN 64, O 64, OU 64 characters.
const ATTR_RE = /^[^\u0000-\u001f\u007f]{1,64}$/u;

function attr(dotted: string, value: string | undefined, field: string): Buffer[] {
  if (value === undefined) return [];
  if (typeof value !== 'string' || !ATTR_RE.test(value)) throw new PkiError('SUBJECT_INVALID', field);
  return [set(seq(oid(dotted), utf8String(value)))];
}

/**
 * DER Name for `subject` (RDNs in the order O, OU, CN; UTF8String values). An absent or empty
 * subject gives the empty Name `30 00`.
 * @throws PkiError SUBJECT_INVALID (empty, over 64 characters, or control characters).
 */
export function encodeName(subject: SubjectName = {}): Buffer {
  return seq(
    ...attr(OID.organization, subject.organization, 'organization'),
    ...attr(OID.organizationalUnit, subject.organizationalUnit, 'organizationalUnit'),
    ...attr(OID.commonName, subject.commonName, 'commonName'),
  );
}

function escape(v: string): string {
  return v
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

/** A decoded Name: the TrustMesh fields (first value of each wins), a one-line text, the DER bytes. */
export interface DecodedName {
  subject: SubjectName;
  text: string;
  der: Buffer;
}

/**
 * Decodes a Name node. The text is RFC 4514 order (last RDN first), e.g. `CN=api, O=TrustMesh`.
 * @throws PkiError `code` when the structure is not a Name of string attributes.
 */
export function decodeName(node: DerNode | undefined, code: PkiErrorCode): DecodedName {
  const rdns = children(node, TAG.SEQUENCE, code, 'Name');
  const subject: SubjectName = {};
  const parts: string[] = [];
  for (const rdn of rdns) {
    const avas = children(rdn, TAG.SET, code, 'RDN', 1);
    const texts: string[] = [];
    for (const ava of avas) {
      const [type, value] = children(ava, TAG.SEQUENCE, code, 'AttributeTypeAndValue', 2, 2);
      const dotted = oidOf(type, code, 'attribute type');
      const v = stringOf(value, code, 'attribute value');
      if (dotted === OID.commonName) subject.commonName ??= v;
      else if (dotted === OID.organization) subject.organization ??= v;
      else if (dotted === OID.organizationalUnit) subject.organizationalUnit ??= v;
      texts.push(`${SHORT[dotted] ?? dotted}=${escape(v)}`);
    }
    parts.unshift(texts.join('+'));
  }
  return { subject, text: parts.join(', '), der: encoded(node as DerNode) };
}
