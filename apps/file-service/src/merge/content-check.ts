import type { FileFailureCode } from '@chat4all/contracts';
import { fileTypeFromBuffer } from 'file-type';

// NFR-021: the declared type is checked against the content's magic bytes (file-type reads the first
// bytes of chunk 1, recorded with the upload), and executables are refused whatever they claim.

/** How much of chunk 1 is kept for sniffing: enough for file-type to look inside ZIP-based formats. */
export const SNIFF_SAMPLE_BYTES = 256 * 1024;

/** The detected type, or '' when the bytes carry no known signature (plain text has none). */
export async function sniffMimeType(sample: Uint8Array): Promise<string> {
  return (await fileTypeFromBuffer(sample))?.mime ?? '';
}

const EXECUTABLES = new Set([
  'application/x-msdownload',
  'application/vnd.microsoft.portable-executable',
  'application/x-elf',
  'application/x-mach-binary',
  'application/x-executable',
  'application/x-sharedlib',
  'application/x-msi',
  'application/java-archive',
  'application/x-dex',
]);

/** Declared types whose content has no signature: text formats. */
const SIGNATURELESS = new Set(['text/plain', 'text/csv', 'application/json', 'text/markdown', 'text/html', 'image/svg+xml', 'text/xml', 'application/xml']);

/** Names of one format: the declared spelling on the left, what file-type reports on the right. */
const SAME_FORMAT: Record<string, readonly string[]> = {
  'image/jpg': ['image/jpeg'],
  'audio/mp3': ['audio/mpeg'],
  'audio/mp4': ['audio/mp4', 'audio/x-m4a', 'video/mp4'],
  'audio/aac': ['audio/aac', 'audio/x-m4a'],
  'audio/wav': ['audio/wav', 'audio/vnd.wave', 'audio/x-wav'],
  'audio/ogg': ['audio/ogg', 'audio/opus'],
  'audio/webm': ['audio/webm', 'video/webm'],
  'video/quicktime': ['video/quicktime', 'video/mp4'],
  'video/mp4': ['video/mp4', 'video/x-m4v'],
  'video/3gpp': ['video/3gpp', 'video/mp4'],
  // Old Office files are all Compound File Binary; OOXML are ZIPs file-type may not see into.
  'application/msword': ['application/x-cfb'],
  'application/vnd.ms-excel': ['application/x-cfb'],
  'application/vnd.ms-powerpoint': ['application/x-cfb'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/zip'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/zip'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['application/vnd.openxmlformats-officedocument.presentationml.presentation', 'application/zip'],
};

export type ContentVerdict = { ok: true } | { ok: false; code: FileFailureCode; reason: string };

export function checkContent(declared: string, sniffed: string): ContentVerdict {
  if (EXECUTABLES.has(sniffed)) {
    return { ok: false, code: 'executable-content', reason: `the content is an executable (${sniffed}); executables are not accepted whatever their declared type (${declared})` };
  }
  if (SIGNATURELESS.has(declared) || declared.startsWith('text/')) {
    return sniffed === '' ? { ok: true } : { ok: false, code: 'content-type-mismatch', reason: `declared ${declared}, but the content is ${sniffed}` };
  }
  const accepted = SAME_FORMAT[declared] ?? [declared];
  if (accepted.includes(sniffed)) return { ok: true };
  return {
    ok: false,
    code: 'content-type-mismatch',
    reason: sniffed === '' ? `declared ${declared}, but the content has no ${declared} signature` : `declared ${declared}, but the content is ${sniffed}`,
  };
}
