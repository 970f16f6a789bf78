import type { ItemRunStatus, SubjectRef } from '../../items/index.js';
import { csvFormulaNote, csvFormulaPrefix, csvFormulaStarts } from './csv-formula.js';
import type { ZipEntryInfo } from './package-zip.js';
import { readLines } from './read-lines.js';
import type { StagedFile } from './stage-item.js';

export const manifestFormat = 'lethe-export/1';

export interface ManifestItem {
  key: string;
  title: string;
  group: string;
  status: ItemRunStatus;
  count: number;
  message?: string;
  /** How many of the subject's files the item gave. */
  files: number;
  /** The item's CSV inside the package, when it has rows. */
  csv?: string;
}

export interface ManifestInput {
  subject: SubjectRef;
  exportType: { idnumber: string; name: string; includeFiles: boolean };
  createdAt: string;
  items: readonly ManifestItem[];
  /** The package's own entries (index.html, data.json, the CSVs), already hashed. */
  entries: readonly ZipEntryInfo[];
  /** Each item's staged `files.ndjson`, listing the subject's files with their hashes. */
  fileLists: readonly string[];
}

/** How the package's CSV files guard against formula injection (in the manifest as `csvFormulas`). */
export const manifestCsvFormulas = {
  prefix: csvFormulaPrefix,
  startingWith: csvFormulaStarts,
  note: csvFormulaNote,
} as const;

/**
 * The package's `manifest.json`, as a stream of text: the subject, the type, when it was made, each item's
 * result, how CSV cells that look like formulas were prefixed, and the path, size and SHA-256 of every other file
 * in the package.
 */
export async function* manifestJson(input: ManifestInput): AsyncGenerator<string> {
  const head = {
    format: manifestFormat,
    createdAt: input.createdAt,
    subject: input.subject,
    exportType: input.exportType,
    items: input.items,
    csvFormulas: manifestCsvFormulas,
  };
  const text = JSON.stringify(head, null, 2);
  yield `${text.slice(0, text.lastIndexOf('}')).trimEnd()},\n  "files": [`;
  let first = true;
  const entry = (info: ZipEntryInfo): string => {
    const line = `${first ? '' : ','}\n    ${JSON.stringify({ path: info.path, size: info.size, sha256: info.sha256 })}`;
    first = false;
    return line;
  };
  for (const info of input.entries) yield entry(info);
  for (const list of input.fileLists) {
    for await (const line of readLines(list)) {
      const file = JSON.parse(line) as StagedFile;
      yield entry(file);
    }
  }
  yield first ? ']\n}\n' : '\n  ]\n}\n';
}
