import { ProblemException } from '@chat4all/platform';
import { createHash } from 'node:crypto';
import { encodeMetadata, httpDate, parseByteCount, parseChecksum, parseMetadata } from './tus-headers';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const slugOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof ProblemException ? e.slug : 'not a problem';
  }
  return undefined;
};

describe('tus headers', () => {
  it('Upload-Metadata: base64 values, keys without value, round trip; malformed or repeated keys are 400', () => {
    expect(parseMetadata(`filename ${b64('ré sumé.pdf')},filetype ${b64('application/pdf')},is_confidential`)).toEqual({ filename: 'ré sumé.pdf', filetype: 'application/pdf', is_confidential: '' });
    expect(parseMetadata(undefined)).toEqual({});
    expect(parseMetadata(encodeMetadata({ filename: 'a,b c.txt', sha256: null }))).toEqual({ filename: 'a,b c.txt' });
    expect(slugOf(() => parseMetadata('filename not*base64'))).toBe('invalid-request');
    expect(slugOf(() => parseMetadata(`a ${b64('x')},a ${b64('y')}`))).toBe('invalid-request');
    expect(slugOf(() => parseMetadata(`a ${b64('x')} extra`))).toBe('invalid-request');
  });

  it('Upload-Checksum: sha1 and sha256 with a digest of their length; another algorithm is its own 400', () => {
    const body = Buffer.from('hello');
    expect(parseChecksum(`sha256 ${createHash('sha256').update(body).digest('base64')}`)).toEqual({ algorithm: 'sha256', expected: createHash('sha256').update(body).digest() });
    expect(parseChecksum(`SHA1 ${createHash('sha1').update(body).digest('base64')}`)?.algorithm).toBe('sha1');
    expect(parseChecksum(undefined)).toBeUndefined();
    expect(slugOf(() => parseChecksum(`md5 ${createHash('md5').update(body).digest('base64')}`))).toBe('tus-checksum-algorithm-unsupported');
    expect(slugOf(() => parseChecksum(`sha256 ${createHash('sha1').update(body).digest('base64')}`))).toBe('invalid-request');
    expect(slugOf(() => parseChecksum('sha256'))).toBe('invalid-request');
  });

  it('byte counts and HTTP dates', () => {
    expect(parseByteCount('Upload-Length', '123')).toBe(123);
    expect(parseByteCount('Upload-Length', undefined)).toBeUndefined();
    expect(slugOf(() => parseByteCount('Upload-Length', '-1'))).toBe('invalid-request');
    expect(slugOf(() => parseByteCount('Upload-Length', '1e3'))).toBe('invalid-request');
    expect(httpDate(new Date('2026-12-02T05:11:16Z'))).toBe('Wed, 02 Dec 2026 05:11:16 GMT');
  });
});
