/**
 * Certificate decoder over the strict DER reader: the fields issuance, inspection and chain
 * checks need (names as bytes and text, validity, SPKI, and the extensions we understand).
 */
import { PkiError, wrapErrors } from './errors';
import { OID } from './der/oids';
import { parseDer, type DerNode } from './der/reader';
import {
  bitStringBytes,
  boolOf,
  children,
  content,
  encoded,
  expect,
  oidOf,
  smallIntOf,
  TAG,
  timeOf,
} from './der/schema';
import { decodeName, type DecodedName } from './names';
import { decodeGeneralNames, type SanSet } from './san';
import { describeSpki, type SpkiInfo } from './spki';

/** Largest certificate accepted (64 KiB). */
export const MAX_CERT_BYTES = 65536;

/** One extension as it appears in a certificate or CSR. */
export interface RawExtension {
  oid: string;
  critical: boolean;
  value: Buffer;
}

/** The decoded parts of a certificate. Buffers are views into `der`. */
export interface ParsedCertificate {
  der: Buffer;
  tbs: Buffer;
  serialHex: string;
  signatureAlgorithm: string;
  issuer: DecodedName;
  subject: DecodedName;
  notBefore: Date;
  notAfter: Date;
  spki: SpkiInfo;
  extensions: RawExtension[];
  isCa: boolean;
  pathLen?: number;
  keyUsage?: number;
  extKeyUsage?: string[];
  subjectKeyId?: Buffer;
  authorityKeyId?: Buffer;
  sans: SanSet;
}

const C = 'CERT_MALFORMED' as const;

/**
 * Decodes an Extensions SEQUENCE (certificate [3] or CSR extensionRequest). Duplicates are refused.
 * @throws PkiError `code`.
 */
export function decodeExtensions(node: DerNode, code: 'CERT_MALFORMED' | 'CSR_MALFORMED'): RawExtension[] {
  const out: RawExtension[] = [];
  for (const ext of children(node, TAG.SEQUENCE, code, 'Extensions', 1)) {
    const parts = children(ext, TAG.SEQUENCE, code, 'Extension', 2, 3);
    const dotted = oidOf(parts[0], code, 'extnID');
    const critical = parts.length === 3 ? boolOf(parts[1], code, 'critical') : false;
    const value = content(expect(parts[parts.length - 1], TAG.OCTET_STRING, code, 'extnValue'));
    if (out.some((e) => e.oid === dotted)) throw new PkiError(code, `duplicate extension ${dotted}`);
    out.push({ oid: dotted, critical, value });
  }
  return out;
}

/** basicConstraints value → cA flag and pathLenConstraint. */
export function decodeBasicConstraints(
  value: Buffer,
  code: 'CERT_MALFORMED' | 'CSR_MALFORMED',
): { ca: boolean; pathLen?: number } {
  const kids = children(
    wrapErrors(code, 'basicConstraints', () => parseDer(value, { maxDepth: 2 })),
    TAG.SEQUENCE,
    code,
    'basicConstraints',
    0,
    2,
  );
  let i = 0;
  let ca = false;
  if (kids[i]?.tag === TAG.BOOLEAN) ca = boolOf(kids[i++], code, 'cA');
  const pathLen = kids[i] ? smallIntOf(kids[i++], code, 'pathLenConstraint') : undefined;
  if (i !== kids.length) throw new PkiError(code, 'basicConstraints');
  return { ca, pathLen };
}

function inner(value: Buffer, what: string): DerNode {
  return wrapErrors(C, what, () => parseDer(value, { maxDepth: 4 }));
}

function applyExtension(out: ParsedCertificate, e: RawExtension): void {
  switch (e.oid) {
    case OID.basicConstraints: {
      const bc = decodeBasicConstraints(e.value, C);
      out.isCa = bc.ca;
      out.pathLen = bc.pathLen;
      return;
    }
    case OID.keyUsage: {
      const bits = bitStringBytesAny(inner(e.value, 'keyUsage'));
      out.keyUsage = ((bits[0] ?? 0) << 8) | (bits[1] ?? 0);
      return;
    }
    case OID.extKeyUsage:
      out.extKeyUsage = children(inner(e.value, 'extKeyUsage'), TAG.SEQUENCE, C, 'extKeyUsage', 1).map((n) =>
        oidOf(n, C, 'purpose'),
      );
      return;
    case OID.subjectKeyIdentifier:
      out.subjectKeyId = content(
        expect(inner(e.value, 'subjectKeyIdentifier'), TAG.OCTET_STRING, C, 'subjectKeyIdentifier'),
      );
      return;
    case OID.authorityKeyIdentifier: {
      const kid = children(inner(e.value, 'authorityKeyIdentifier'), TAG.SEQUENCE, C, 'authorityKeyIdentifier').find(
        (n) => n.tag === 0x80,
      );
      if (kid) out.authorityKeyId = content(kid);
      return;
    }
    case OID.subjectAltName:
      out.sans = wrapErrors(C, 'subjectAltName', () => decodeGeneralNames(e.value));
      return;
    default:
      return;
  }
}

function bitStringBytesAny(n: DerNode): Buffer {
  const c = content(expect(n, TAG.BIT_STRING, C, 'keyUsage'));
  return c.subarray(1);
}

/**
 * Decodes a DER certificate (v1 or v3).
 * @throws PkiError INPUT_EMPTY, INPUT_TOO_LARGE, DER_MALFORMED, CERT_MALFORMED.
 */
export function parseCertificate(input: Uint8Array): ParsedCertificate {
  const root = parseDer(input, { maxBytes: MAX_CERT_BYTES });
  const [tbsNode, sigAlg, sig] = children(root, TAG.SEQUENCE, C, 'Certificate', 3, 3);
  bitStringBytes(sig, C, 'signature');
  const f = children(tbsNode, TAG.SEQUENCE, C, 'TBSCertificate', 6, 10);
  let i = 0;
  if (f[0].tag === 0xa0) i++;
  const serialNode = expect(f[i++], TAG.INTEGER, C, 'serialNumber');
  const serialBytes = content(serialNode);
  const sigAlgInner = oidOf(children(f[i++], TAG.SEQUENCE, C, 'signature', 1, 2)[0], C, 'signature');
  const outerAlg = oidOf(children(sigAlg, TAG.SEQUENCE, C, 'signatureAlgorithm', 1, 2)[0], C, 'signatureAlgorithm');
  if (sigAlgInner !== outerAlg) throw new PkiError(C, 'signature algorithms differ');
  const issuer = decodeName(f[i++], C);
  const [nb, na] = children(f[i++], TAG.SEQUENCE, C, 'Validity', 2, 2);
  const subject = decodeName(f[i++], C);
  const spki = describeSpki(f[i++], C);
  const out: ParsedCertificate = {
    der: encoded(root),
    tbs: encoded(tbsNode),
    serialHex: (serialBytes[0] === 0 && serialBytes.length > 1 ? serialBytes.subarray(1) : serialBytes)
      .toString('hex')
      .toUpperCase(),
    signatureAlgorithm: outerAlg,
    issuer,
    subject,
    notBefore: timeOf(nb, C, 'notBefore'),
    notAfter: timeOf(na, C, 'notAfter'),
    spki,
    extensions: [],
    isCa: false,
    sans: { dns: [], uris: [], ips: [] },
  };
  for (; i < f.length; i++) {
    if (f[i].tag === 0xa3) {
      out.extensions = decodeExtensions(children(f[i], 0xa3, C, 'extensions', 1, 1)[0], C);
    } else if (f[i].tag !== 0x81 && f[i].tag !== 0x82) {
      throw new PkiError(C, 'unexpected TBSCertificate field');
    }
  }
  for (const e of out.extensions) applyExtension(out, e);
  return out;
}
