import { createSHA256, type IHasher } from 'hash-wasm';

// SHA-256 over a whole file that arrives chunk by chunk, in separate requests, maybe on different
// instances: the state after each chunk is saved with the upload and resumed for the next, so the
// merge knows the file's hash without reading it back. node:crypto cannot export a hash's state;
// hash-wasm can.
export class RunningSha256 {
  private constructor(private readonly hasher: IHasher) {}

  static async resume(state: Buffer | null): Promise<RunningSha256> {
    const hasher = await createSHA256();
    if (state) hasher.load(state);
    else hasher.init();
    return new RunningSha256(hasher);
  }

  update(bytes: Uint8Array): void {
    this.hasher.update(bytes);
  }

  save(): Buffer {
    return Buffer.from(this.hasher.save());
  }

  hex(): string {
    return this.hasher.digest('hex');
  }
}
