import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';

const flushAt = 64 * 1024;

/**
 * Appends text to a file through a small buffer, waiting for the disk when the stream is full, so that memory stays
 * flat however much is written.
 */
export class StagedWriter {
  readonly #stream: WriteStream;
  readonly #signal: AbortSignal | undefined;
  #buffer: string[] = [];
  #buffered = 0;
  #failure: Error | undefined;

  constructor(path: string, signal?: AbortSignal) {
    this.#stream = createWriteStream(path);
    this.#signal = signal;
    this.#stream.on('error', (error) => {
      this.#failure = error;
    });
  }

  async write(text: string): Promise<void> {
    this.#buffer.push(text);
    this.#buffered += text.length;
    if (this.#buffered >= flushAt) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (this.#buffered === 0) return;
    const chunk = this.#buffer.join('');
    this.#buffer = [];
    this.#buffered = 0;
    if (!this.#stream.write(chunk)) {
      await once(this.#stream, 'drain', this.#signal ? { signal: this.#signal } : {});
    }
    if (this.#failure) throw this.#failure;
  }

  /** Writes what is left and closes the file. */
  async close(): Promise<void> {
    await this.#flush();
    const closed = once(this.#stream, 'close');
    this.#stream.end();
    await closed;
    if (this.#failure) throw this.#failure;
  }

  /** Gives up on the file (after a failure); the caller removes it. */
  destroy(): void {
    this.#buffer = [];
    this.#buffered = 0;
    this.#stream.destroy();
  }
}
