import { Readable } from 'node:stream';

const batchSize = 64 * 1024;

async function* batched(parts: AsyncIterable<string>): AsyncGenerator<string> {
  let buffer: string[] = [];
  let size = 0;
  for await (const part of parts) {
    buffer.push(part);
    size += part.length;
    if (size >= batchSize) {
      yield buffer.join('');
      buffer = [];
      size = 0;
    }
  }
  if (size > 0) yield buffer.join('');
}

/** A byte stream of UTF-8 text from a generator of text parts, joined into chunks of about 64 KB. */
export function textSource(parts: AsyncIterable<string>): Readable {
  return Readable.from(batched(parts), { objectMode: false, encoding: undefined });
}
