import { readZipEntries } from '../support/read-zip-entries.js';

/** The text of one entry of a ZIP file, or undefined when it has no such entry. */
export async function readZipEntry(path: string, name: string): Promise<string | undefined> {
  return (await readZipEntries(path)).get(name);
}
