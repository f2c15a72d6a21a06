/** `trustmesh cert inspect FILE`: a summary of a certificate or CSR, PEM or DER. */
import { inspect, type CertSummary } from '@trustmesh/pki';
import { defineCommand, type CliIo } from '../command';
import { COMMON_OPTIONS } from '../config';
import { readBytesFile } from '@trustmesh/ca';

const MAX_INPUT_BYTES = 1024 * 1024;

export const certInspectCommand = defineCommand<{ file: string }>({
  path: ['cert', 'inspect'],
  summary: 'summarize a certificate or CSR (PEM or DER): subject, SANs, SPIFFE ID, validity, pins',
  help: 'Reads only FILE (no state directory). With several PEM blocks, the first is shown.',
  args: {
    positionals: [{ name: 'file', describe: 'certificate or CSR, PEM or DER' }],
    options: { json: COMMON_OPTIONS.json },
  },
  configure: (args) => ({ file: args.positionals[0] }),
  async run(cfg, io) {
    const s = inspect(readBytesFile(cfg.options.file, MAX_INPUT_BYTES));
    if (cfg.json) io.out(JSON.stringify(s, (_k, v: unknown) => v, 2));
    else printSummary(io, s);
    return 0;
  },
});

function printSummary(io: CliIo, s: CertSummary): void {
  const rows: [string, string | undefined][] = [
    ['kind', s.kind],
    ['subject', s.subject],
    ['issuer', s.issuer],
    ['serial', s.serialHex],
    ['not before', s.notBefore?.toISOString()],
    ['not after', s.notAfter?.toISOString()],
    ['spiffe id', s.spiffeId],
    ['dns sans', s.sans.dns.join(', ') || undefined],
    ['uri sans', s.sans.uris.join(', ') || undefined],
    ['ip sans', s.sans.ips.join(', ') || undefined],
    ['is ca', s.isCa ? `yes${s.pathLen !== undefined ? ` (pathLen ${s.pathLen})` : ''}` : 'no'],
    ['key', s.keyAlgorithm],
    ['signature', s.signatureAlgorithm],
    ['spki pin', s.spkiPin],
    ['sha-256', s.fingerprintSha256],
    ['subject key id', s.subjectKeyId],
    ['authority key id', s.authorityKeyId],
  ];
  for (const [k, v] of rows) if (v !== undefined) io.out(`${(k + ':').padEnd(18)}${v}`);
}
