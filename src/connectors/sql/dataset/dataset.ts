import type { EraseMode, SubjectStatus } from '../../../items/index.js';

/** A position in the dataset file, as keys and indexes from the top. */
export type DatasetPath = ReadonlyArray<string | number>;

export type Strategy =
  | { kind: 'null' }
  | { kind: 'blank' }
  | { kind: 'hash' }
  | { kind: 'anonymous-user' }
  | { kind: 'keep' }
  | { kind: 'fixed'; value: string | number | boolean };

/** One foreign-key hop: `column` of the current table joins `table` on `to` (or on the foreign key's target). */
export interface Hop {
  column: string;
  table: string;
  to?: string;
}

export type LinkSpec =
  | { kind: 'column'; column: string; at: DatasetPath }
  | { kind: 'path'; hops: Hop[]; column: string; at: DatasetPath }
  | { kind: 'text'; column: string; match: 'equals' | 'contains'; at: DatasetPath };

/** A row's file: on disk (a path column) or in the row (a blob column); with both, the path wins when set. */
export interface FilesSpec {
  /** The column holding a file path, relative to `root`. */
  path?: string;
  /** The column holding the file's content. */
  blob?: string;
  /** The column holding the file's name (for blobs). */
  name?: string;
  /** The absolute folder that paths are relative to. */
  root: string;
}

export interface ItemSpec {
  component: string;
  name: string;
  group: string;
  title: string;
  help: string;
  table: string;
  key?: string[];
  links: LinkSpec[];
  export: 'all' | 'none' | string[];
  modes: Partial<Record<EraseMode, { statuses: SubjectStatus[] }>>;
  /** Per-column anonymisation, in file order. Empty when the item has no `anonymise`. */
  strategies: Array<{ column: string; strategy: Strategy }>;
  files?: FilesSpec;
  /** Only rows whose column holds one of the values. */
  where: Array<{ column: string; values: Array<string | number | boolean> }>;
  /** Where the item is in the file. */
  at: DatasetPath;
}

export interface SubjectsSpec {
  table: string;
  id: string;
  username?: string;
  email?: string;
  fullName?: string[];
  status?: { column: string; map?: Record<string, SubjectStatus> };
  kind?: string;
}

/** A loaded, validated dataset file. Names are not yet checked against the database: see `checkDataset`. */
export interface Dataset {
  /** The file it was read from (absolute), or a label for text given directly. */
  file: string;
  /** The database URL: the override, or the file's `database`. */
  database: string;
  /** The folder relative paths in the file resolve against (the file's folder). */
  baseDir: string;
  /** The key for `hash` (HMAC-SHA256), from the configuration. */
  hashKey?: string;
  subjects: SubjectsSpec;
  items: ItemSpec[];
  /** `table` or `table.column` -> why it is not personal data. */
  ignore: ReadonlyMap<string, string>;
  /** The line (1-based) of a position in the file, where known. */
  lineOf(path: DatasetPath): number | undefined;
}

/** `components.forum.items.posts.via.0` */
export function formatPath(path: DatasetPath): string {
  return path.length === 0 ? '(top level)' : path.join('.');
}
