import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { HashingStream } from './hashing-stream.js';

export interface ZipEntryInfo {
  path: string;
  size: number;
  sha256: string;
}

export interface AddOptions {
  compress: boolean;
  mtime: Date;
}

/**
 * A ZIP file written to disk as a stream, one entry after another: each entry's source is opened only when its turn
 * comes, so at most one is being read at a time, and the bytes of each entry (and of the whole file) are counted
 * and hashed on the way through.
 */
export class PackageZip {
  readonly #zip = new ZipFile();
  readonly #output = new HashingStream();
  readonly #written: Promise<void>;
  readonly #failed: Promise<never>;
  readonly #sources = new Set<Readable>();
  #reject: (error: Error) => void = () => undefined;

  constructor(path: string, signal?: AbortSignal) {
    this.#failed = new Promise<never>((_resolve, reject) => {
      this.#reject = reject;
    });
    this.#failed.catch(() => undefined);
    this.#zip.on('error', (error: Error) => this.#fail(error));
    this.#written = pipeline(
      this.#zip.outputStream,
      this.#output,
      createWriteStream(path, { flush: true }),
      signal ? { signal } : {},
    );
    this.#written.catch((error: Error) => this.#fail(error));
  }

  #fail(error: Error): void {
    this.#reject(error);
    for (const source of this.#sources) source.destroy();
    this.#sources.clear();
    const output = this.#zip.outputStream as Readable;
    if (!output.destroyed) output.destroy(error);
  }

  /** Adds one entry and waits until all of it has been written; `open` is called when the entry's turn comes. */
  async add(path: string, open: () => Readable, options: AddOptions): Promise<ZipEntryInfo> {
    const hasher = new HashingStream();
    const ended = new Promise<void>((resolve, reject) => {
      hasher.once('end', resolve);
      hasher.once('error', reject);
    });
    ended.catch(() => undefined);
    this.#zip.addReadStreamLazy(path, { compress: options.compress, mtime: options.mtime }, (callback) => {
      let source: Readable;
      try {
        source = open();
      } catch (error) {
        this.#fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      this.#sources.add(source);
      source.once('error', (error: Error) => this.#fail(error));
      hasher.once('error', (error: Error) => this.#fail(error));
      source.once('end', () => this.#sources.delete(source));
      source.pipe(hasher);
      callback(null, hasher);
    });
    await Promise.race([ended, this.#failed]);
    return { path, size: hasher.bytes, sha256: hasher.sha256 };
  }

  /** Writes the central directory and waits for the file to be flushed to disk. */
  async finish(): Promise<{ size: number; sha256: string }> {
    this.#zip.end();
    await Promise.race([this.#written, this.#failed]);
    return { size: this.#output.bytes, sha256: this.#output.sha256 };
  }

  /** Stops writing (the caller removes the file). */
  abort(error: Error): void {
    this.#fail(error);
  }
}
