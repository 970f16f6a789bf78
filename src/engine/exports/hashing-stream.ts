import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through unchanged while counting them and computing their SHA-256. */
export class HashingStream extends Transform {
  readonly #hash: Hash = createHash('sha256');
  #digest: string | undefined;
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#digest = this.#hash.digest('hex');
    callback();
  }

  /** The hex SHA-256 of everything that passed; only once the stream has ended. */
  get sha256(): string {
    if (this.#digest === undefined) throw new Error('the hash is not known until the stream ends');
    return this.#digest;
  }
}
