import { PlatformProblems, ProblemException } from '@chat4all/platform';
import { createHash, type Hash } from 'node:crypto';
import { FileProblems } from '@chat4all/contracts';

// The header grammar of tus 1.0.0 (https://tus.io/protocols/resumable-upload), parsed and written in one place.

export const TUS_VERSION = '1.0.0';
export const TUS_EXTENSIONS = 'creation,creation-with-upload,termination,checksum,expiration';
export const TUS_CHECKSUM_ALGORITHMS = ['sha1', 'sha256'] as const;
export const TUS_CONTENT_TYPE = 'application/offset+octet-stream';

export type TusChecksumAlgorithm = (typeof TUS_CHECKSUM_ALGORITHMS)[number];

export interface TusChecksum {
  algorithm: TusChecksumAlgorithm;
  /** The digest the client sent (raw bytes). */
  expected: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const METADATA_KEY = /^[^\s,]+$/;

const invalid = (field: string, message: string, detail: string) =>
  new ProblemException(PlatformProblems.invalidRequest, detail, { errors: [{ field, message }] });

/** A non-negative integer header ("Upload-Length: 123"); undefined when absent, an error when malformed. */
export function parseByteCount(field: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,16}$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) throw invalid(field, 'must be a non-negative integer', `${field} must be a non-negative integer.`);
  return Number(raw);
}

/** `Upload-Metadata: key base64,key2 base64,flag` → { key: 'value', key2: '…', flag: '' }. */
export function parseMetadata(raw: string | undefined): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (raw === undefined || raw.trim() === '') return metadata;
  for (const pair of raw.split(',')) {
    const [key, value, ...rest] = pair.trim().split(/\s+/);
    if (!key || !METADATA_KEY.test(key) || rest.length > 0 || (value !== undefined && !BASE64.test(value)) || key in metadata) {
      throw invalid('upload-metadata', 'key and base64 value pairs', 'Upload-Metadata must be comma-separated "key base64value" pairs with distinct keys.');
    }
    metadata[key] = value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
  }
  return metadata;
}

export function encodeMetadata(entries: Record<string, string | null | undefined>): string {
  return Object.entries(entries)
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .map(([k, v]) => `${k} ${Buffer.from(v, 'utf8').toString('base64')}`)
    .join(',');
}

/** `Upload-Checksum: sha256 <base64>`; undefined when absent, 400 for another algorithm or a bad digest. */
export function parseChecksum(raw: string | undefined): TusChecksum | undefined {
  if (raw === undefined) return undefined;
  const [algorithm, digest, ...rest] = raw.trim().split(/\s+/);
  if (!(TUS_CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm?.toLowerCase() ?? '')) {
    throw new ProblemException(FileProblems.tusChecksumAlgorithmUnsupported, `Upload-Checksum algorithm ${algorithm ?? ''} is not supported; use one of ${TUS_CHECKSUM_ALGORITHMS.join(', ')}.`, {
      supported_algorithms: [...TUS_CHECKSUM_ALGORITHMS],
    });
  }
  const expected = digest !== undefined && BASE64.test(digest) && rest.length === 0 ? Buffer.from(digest, 'base64') : undefined;
  const name = algorithm.toLowerCase() as TusChecksumAlgorithm;
  if (!expected || expected.length !== (name === 'sha1' ? 20 : 32)) {
    throw invalid('upload-checksum', 'base64 digest of the algorithm', `Upload-Checksum must be "${name} <base64 of the ${name} digest>".`);
  }
  return { algorithm: name, expected };
}

export const checksumHash = (c: TusChecksum): Hash => createHash(c.algorithm === 'sha1' ? 'sha1' : 'sha256');

/** Upload-Expires: an RFC 9110 HTTP-date (IMF-fixdate). */
export const httpDate = (d: Date): string => d.toUTCString();
