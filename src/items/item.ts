import type { Readable } from 'node:stream';

export * from './mention-text.js';

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

/** Where a subject is mentioned in someone else's free text. */
export interface MentionHit {
  /** The record's id in the host application, as text. */
  recordId: string;
  /** The free-text field (column) the mention is in. */
  field: string;
  /** A short, one-line excerpt around the mention (see `mentionExcerpt`). */
  excerpt: string;
}

export interface MentionContext {
  subject: SubjectRef;
  /** The words to look for (the subject's full name, username and email); see `mentionPattern`. */
  terms: readonly string[];
  signal: AbortSignal;
}

export interface RedactMentionsContext extends MentionContext {
  /** The records to redact, as `find` reported them. */
  recordIds: readonly string[];
}

/**
 * Optional: the item holds free text that OTHER people wrote (forum replies, messages, emails) where a subject may
 * be named. `find` yields each mention, matched as `mention-text.ts` does (whole words, case-insensitively), and
 * leaves out the subject's own records. `redact` replaces each mention in those records with `[redacted]`, leaving
 * the rest of the text byte for byte, and returns how many mentions it replaced.
 */
export interface MentionCapability {
  find(ctx: MentionContext): AsyncIterable<MentionHit>;
  redact?(ctx: RedactMentionsContext): Promise<number>;
}

/** Items that can be counted together, in one call: a dataset's items share one group (see `Item.countGroup`). */
export interface CountGroup {
  /**
   * Counts each of `items` (members of this group) for the batch: each item's result by its key, exactly what the
   * item's own `count` would return. An item left out (or the whole call failing) is counted on its own.
   */
  countAll(items: readonly Item[], ctx: BatchContext): Promise<ReadonlyMap<ItemKey, BatchResult>>;
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
  /** Optional: items that can be counted together, in one call (a dataset's items share one group). */
  countGroup?: CountGroup;
  export?: ExportCapability;
  /** The modes this item can erase in, each with the statuses that allow it. */
  modes: Partial<Record<EraseMode, EraseCapability>>;
  erase?(ctx: EraseContext): Promise<BatchResult>;
  /** Optional: finds (and may redact) mentions of a subject in other people's free text. */
  mentions?: MentionCapability;
}

export type ItemKey = `${string}/${string}`;

export function itemKey(item: Pick<Item, 'component' | 'name'>): ItemKey {
  return `${item.component}/${item.name}`;
}
