import { createReadStream } from 'node:fs';

export interface DataJsonPart {
  key: string;
  /** The staged `records.json`: a JSON array. */
  recordsPath: string;
}

/** The package's `data.json`: `{ "<component>/<name>": [records...] }`, copied from each item's staged array. */
export async function* dataJson(parts: readonly DataJsonPart[]): AsyncGenerator<string> {
  yield '{';
  let first = true;
  for (const part of parts) {
    yield `${first ? '' : ','}\n  ${JSON.stringify(part.key)}: `;
    first = false;
    const stream = createReadStream(part.recordsPath, { encoding: 'utf8' });
    try {
      for await (const chunk of stream) yield chunk as string;
    } finally {
      stream.destroy();
    }
  }
  yield first ? '}\n' : '\n}\n';
}
