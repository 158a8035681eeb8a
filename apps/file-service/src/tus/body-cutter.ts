import type { Hash } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * Cuts one request body into consecutive pieces of given sizes, each a stream of its own (a tus
 * PATCH spans chunk boundaries; every chunk goes to its own object). Bytes are pulled only as the
 * current piece is read, so memory stays at one network buffer. `hash` sees every byte handed out.
 */
export class BodyCutter {
  private readonly source: AsyncIterator<Buffer>;
  private leftover: Buffer | undefined;
  private failure: Error | undefined;
  /** The body failed or ended before a piece was complete (the client went away). */
  broken = false;

  constructor(
    body: Readable,
    private readonly hash?: Hash,
  ) {
    this.source = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** The next `bytes` bytes; the stream is destroyed (never ends) when the body stops before. */
  piece(bytes: number): Readable {
    let left = bytes;
    const pull = async (): Promise<Buffer | undefined> => {
      if (this.leftover) {
        const b = this.leftover;
        this.leftover = undefined;
        return b;
      }
      if (this.failure) throw this.failure;
      const next = await this.source.next();
      return next.done ? undefined : next.value;
    };
    const piece: Readable = new Readable({
      read: () => {
        if (left === 0) {
          piece.push(null);
          return;
        }
        pull().then(
          (buf) => {
            if (!buf) {
              this.broken = true;
              piece.destroy(new Error(`the body ended ${left} bytes early`));
              return;
            }
            const part = buf.length > left ? buf.subarray(0, left) : buf;
            if (buf.length > left) this.leftover = buf.subarray(left);
            left -= part.length;
            this.hash?.update(part);
            piece.push(part);
            if (left === 0) piece.push(null);
          },
          (error: unknown) => {
            this.failure = error instanceof Error ? error : new Error(String(error));
            this.broken = true;
            piece.destroy(this.failure);
          },
        );
      },
    });
    return piece;
  }
}
