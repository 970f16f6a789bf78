import type { Readable } from 'node:stream';

export const subjectStatuses = ['active', 'suspended', 'deleted'] as const;
export type SubjectStatus = (typeof subjectStatuses)[number];

export const eraseModes = ['delete', 'anonymise'] as const;
export type EraseMode = (typeof eraseModes)[number];

/** What an item knows of a subject while it runs. */
export interface SubjectRef {
  id: string;
  username: string;
  email: string;
  fullName: string;
  kind: string;
  status: SubjectStatus;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type ExportRecord = { [key: string]: JsonValue };

/** A file that belongs to the subject, streamed into the export package. */
export interface ExportFile {
  /** A relative path inside the package's `files/<component>-<name>/` folder. */
  name: string;
  size: number;
  open(): Readable | Promise<Readable>;
}

export interface RunContext {
  /** The anonymous user that anonymised content is attributed to. */
  anonymousUser: SubjectRef;
  /** Aborted when the item's time limit passes or the request is cancelled. */
  signal: AbortSignal;
  /** The item's time limit, in milliseconds, and the moment it runs out (epoch ms). */
  timeLimitMs: number;
  deadline: number;
}

/** A run over a batch of one or many subjects: count and erase are set-based. */
export interface BatchContext extends RunContext {
  subjects: readonly SubjectRef[];
}

/** Export runs for one subject at a time. */
export interface SubjectContext extends RunContext {
  subject: SubjectRef;
}

export type ItemOutcomeStatus = 'success' | 'error' | 'skipped';

/** What an item did for one subject. */
export interface ItemOutcome {
  status: ItemOutcomeStatus;
  /** The number of records concerned (counted, exported, deleted or anonymised). */
  count: number;
  message?: string;
}

/** The result of a batch run: one outcome, or a plain count meaning `success`, per subject id. */
export type BatchResult = ReadonlyMap<string, number | ItemOutcome>;

export interface EraseContext extends BatchContext {
  mode: EraseMode;
  /** Report what would be erased and change nothing. */
  dryRun: boolean;
}

export interface EraseCapability {
  /** The subject statuses under which this mode is allowed. */
  statuses: readonly SubjectStatus[];
}

export interface ExportCapability {
  records(ctx: SubjectContext): AsyncIterable<ExportRecord>;
  files?(ctx: SubjectContext): AsyncIterable<ExportFile>;
}

/**
 * One kind of personal data in one component of the host application. Code items and dataset-generated items
 * are the same thing to the engine.
 */
export interface Item {
  component: string;
  name: string;
  /** Group label, such as "Activity: Forum". */
  group: string;
  title: string;
  help: string;
  sortOrder: number;
  count?(ctx: BatchContext): Promise<BatchResult>;
  export?: ExportCapability;
  /** The modes this item can erase in, each with the statuses that allow it. */
  modes: Partial<Record<EraseMode, EraseCapability>>;
  erase?(ctx: EraseContext): Promise<BatchResult>;
}

export type ItemKey = `${string}/${string}`;

export function itemKey(item: Pick<Item, 'component' | 'name'>): ItemKey {
  return `${item.component}/${item.name}`;
}
