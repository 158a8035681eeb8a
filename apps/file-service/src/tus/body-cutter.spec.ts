import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { BodyCutter } from './body-cutter';

describe('BodyCutter', () => {
  it('cuts a body into consecutive pieces across network buffers and hashes what it hands out', async () => {
    const bytes = Buffer.from([...Array(100).keys()]);
    const hash = createHash('sha256');
    const cutter = new BodyCutter(Readable.from([bytes.subarray(0, 7), bytes.subarray(7, 60), bytes.subarray(60)]), hash);
    const pieces = [];
    for (const size of [10, 45, 0, 45]) pieces.push(await buffer(cutter.piece(size)));
    expect(Buffer.concat(pieces)).toEqual(bytes);
    expect(pieces.map((p) => p.length)).toEqual([10, 45, 0, 45]);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('a body that ends or fails early destroys the piece and marks the cutter broken', async () => {
    const short = new BodyCutter(Readable.from([Buffer.alloc(5)]));
    await expect(buffer(short.piece(10))).rejects.toThrow(/ended 5 bytes early/);
    expect(short.broken).toBe(true);

    const source = new PassThrough();
    const failing = new BodyCutter(source);
    const piece = buffer(failing.piece(10));
    source.write(Buffer.alloc(3));
    source.destroy(new Error('aborted'));
    await expect(piece).rejects.toThrow('aborted');
    expect(failing.broken).toBe(true);
  });
});
