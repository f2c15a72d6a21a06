/**
 * Encoders for the X.509 v3 extensions this library issues (RFC 5280 §4.2), each returning the
 * complete `Extension` SEQUENCE. Constant extensions are built once at module load.
 */
import { OID } from './der/oids';
import { octetString, oid, seq, smallInt, tlv, TRUE } from './der/writer';
import { encodeGeneralNames, type SanSet } from './san';

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }. */
export function extension(dotted: string, critical: boolean, value: Uint8Array): Buffer {
  return critical ? seq(oid(dotted), TRUE, octetString(value)) : seq(oid(dotted), octetString(value));
}

/** basicConstraints, always critical (RFC 5280 requires it for CAs; we also mark CA:FALSE critical). */
export function basicConstraints(ca: boolean, pathLen?: number): Buffer {
  const body = ca ? (pathLen === undefined ? seq(TRUE) : seq(TRUE, smallInt(pathLen))) : seq();
  return extension(OID.basicConstraints, true, body);
}

/** Bit masks of the first KeyUsage octet (bit 0 is the most significant bit). */
export const KU = { digitalSignature: 0x80, keyEncipherment: 0x20, keyCertSign: 0x04, cRLSign: 0x02 } as const;

/** keyUsage (critical) for the bits in `mask` (first octet only): DER drops trailing zero bits. */
export function keyUsage(mask: number): Buffer {
  let unused = 0;
  while (unused < 7 && ((mask >> unused) & 1) === 0) unused++;
  return extension(OID.keyUsage, true, tlv(0x03, Buffer.from([unused, mask])));
}

/** extKeyUsage (non-critical) listing `purposes` (dotted OIDs). */
export function extKeyUsage(purposes: string[]): Buffer {
  return extension(OID.extKeyUsage, false, seq(...purposes.map(oid)));
}

/** subjectKeyIdentifier (non-critical). */
export function subjectKeyId(keyId: Uint8Array): Buffer {
  return extension(OID.subjectKeyIdentifier, false, octetString(keyId));
}

/** authorityKeyIdentifier (non-critical) with only the keyIdentifier [0] field. */
export function authorityKeyId(keyId: Uint8Array): Buffer {
  return extension(OID.authorityKeyIdentifier, false, seq(tlv(0x80, keyId)));
}

/** subjectAltName; RFC 5280 §4.2.1.6 makes it critical when the subject is empty. */
export function subjectAltName(sans: SanSet, critical: boolean): Buffer {
  return extension(OID.subjectAltName, critical, encodeGeneralNames(sans));
}
