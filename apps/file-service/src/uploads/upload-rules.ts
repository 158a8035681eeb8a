import type { FileSettings } from '../config';

// The rules an upload is held to, in one place: file names, types, sizes and chunk arithmetic.

// Control characters (C0, DEL, C1) and the invisible format characters that can disguise a name
// (bidi overrides such as U+202E make "exe.jpg" read "gpj.exe").
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Cf}]/gu;

/**
 * The name a file is stored and offered under: only its last path segment (no "../", no "C:\"),
 * without control or format characters, NFC, trimmed of spaces and dots at the ends (Windows
 * refuses those). Undefined when nothing is left.
 */
export function cleanFilename(raw: string): string | undefined {
  const lastSegment = raw.split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment.normalize('NFC').replace(UNSAFE_CHARACTERS, '').replace(/^[\s.]+|[\s.]+$/g, '');
  return cleaned.length > 0 ? cleaned : undefined;
}

/** A MIME type without parameters, lower case ("Image/PNG; x=y" → "image/png"). */
export const bareMimeType = (raw: string): string => raw.split(';')[0].trim().toLowerCase();

/** FILE_ALLOWED_MIME_TYPES holds exact types and `type/*` wildcards. */
export function isAllowedMimeType(mime: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => a === mime || (a.endsWith('/*') && mime.startsWith(a.slice(0, -1))));
}

export const totalChunksOf = (sizeBytes: number, chunkSize: number): number => Math.max(1, Math.ceil(sizeBytes / chunkSize));

/** Bytes chunk `n` (1-based) must have: chunk_size, except the last, which has the rest. */
export function expectedChunkBytes(n: number, upload: { sizeBytes: number; chunkSize: number; totalChunks: number }): number {
  return n < upload.totalChunks ? upload.chunkSize : upload.sizeBytes - (upload.totalChunks - 1) * upload.chunkSize;
}

/** [[1, 15], [17, 17]] from [1..15, 17]. */
export function toRanges(sorted: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const n of sorted) {
    const last = ranges.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else ranges.push([n, n]);
  }
  return ranges;
}

export function missingChunks(received: readonly number[], total: number): number[] {
  const have = new Set(received);
  const missing: number[] = [];
  for (let n = 1; n <= total; n++) if (!have.has(n)) missing.push(n);
  return missing;
}

export type UploadLimits = Pick<FileSettings, 'maxSizeBytes' | 'chunkSizeBytes' | 'allowedMimeTypes' | 'nameMaxChars'>;
