import { cleanFilename, expectedChunkBytes, isAllowedMimeType, missingChunks, toRanges, totalChunksOf } from './upload-rules';
import { sha256FromContentDigest } from './upload.dto';

describe('upload rules', () => {
  it('keeps only a file name: no path, no control or bidi characters, no edge dots', () => {
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(cleanFilename('invoice\u202Egpj.exe')).toBe('invoicegpj.exe');
    expect(cleanFilename('a\u0000b\u0007c.txt')).toBe('abc.txt');
    expect(cleanFilename(' ..hidden. ')).toBe('hidden');
    expect(cleanFilename('../..')).toBeUndefined();
  });

  it('cuts a file into chunks; the last one has the rest', () => {
    const upload = { sizeBytes: 20 * 8 + 3, chunkSize: 8, totalChunks: totalChunksOf(163, 8) };
    expect(upload.totalChunks).toBe(21);
    expect([expectedChunkBytes(1, upload), expectedChunkBytes(20, upload), expectedChunkBytes(21, upload)]).toEqual([8, 8, 3]);
    expect(totalChunksOf(16, 8)).toBe(2);
  });

  it('reports received chunks as ranges and lists the missing ones', () => {
    expect(toRanges([1, 2, 3, 5, 7, 8])).toEqual([[1, 3], [5, 5], [7, 8]]);
    expect(missingChunks([1, 2, 4], 5)).toEqual([3, 5]);
  });

  it('matches allowed types exactly or by type/* wildcard', () => {
    expect(isAllowedMimeType('image/png', ['image/*'])).toBe(true);
    expect(isAllowedMimeType('imagex/png', ['image/*'])).toBe(false);
    expect(isAllowedMimeType('application/pdf', ['application/zip'])).toBe(false);
  });

  it('reads an RFC 9530 sha-256 Content-Digest', () => {
    const hex = 'a'.repeat(64);
    const b64 = Buffer.from(hex, 'hex').toString('base64');
    expect(sha256FromContentDigest(`sha-512=:xyz:, sha-256=:${b64}:`)).toBe(hex);
    expect(sha256FromContentDigest(undefined)).toBeUndefined();
    expect(sha256FromContentDigest('sha-256=:short:')).toBeNull();
  });
});
