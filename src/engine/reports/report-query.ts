import { z } from 'zod';
import { LetheError } from '../../errors/index.js';

/** The three reports. */
export const reportKinds = ['exports', 'purges', 'deleted'] as const;
export type ReportKind = (typeof reportKinds)[number];

/** A request's status (exports may also be `expired`). Kept here: reports read the tables directly. */
const exportStatuses = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'timed-out',
  'expired',
] as const;
const purgeStatuses = ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'timed-out'] as const;
/** The deleted-subjects report's status: whether a purge of the subject has succeeded. */
export const deletedPurgeStates = ['purged', 'not-purged'] as const;
export type DeletedPurgeState = (typeof deletedPurgeStates)[number];
export const reportOrigins = ['self', 'admin', 'api', 'automatic:suspended', 'automatic:deleted'] as const;

/** The columns each report can be sorted by (the row fields of the same name). */
export const reportSortColumns = {
  exports: [
    'id',
    'createdAt',
    'startedAt',
    'finishedAt',
    'status',
    'origin',
    'subjectId',
    'username',
    'fullName',
    'email',
    'type',
    'fileSize',
    'expiresAt',
  ],
  purges: [
    'id',
    'createdAt',
    'startedAt',
    'finishedAt',
    'status',
    'origin',
    'subjectId',
    'username',
    'fullName',
    'email',
    'type',
  ],
  deleted: ['subjectId', 'username', 'fullName', 'email', 'kind', 'deletedAt', 'lastPurgedAt', 'type'],
} as const satisfies Record<ReportKind, readonly string[]>;

export type ExportsSortColumn = (typeof reportSortColumns.exports)[number];
export type PurgesSortColumn = (typeof reportSortColumns.purges)[number];
export type DeletedSortColumn = (typeof reportSortColumns.deleted)[number];

export const reportDefaultSort: { [K in ReportKind]: ReportSort<(typeof reportSortColumns)[K][number]> } = {
  exports: { column: 'createdAt', direction: 'desc' },
  purges: { column: 'createdAt', direction: 'desc' },
  deleted: { column: 'deletedAt', direction: 'desc' },
};

export const maxReportLimit = 1000;
export const defaultReportLimit = 50;

/**
 * A report's filters, sort and page, as callers (the CLI, the REST API's query string) give them. Strings are
 * accepted where numbers and booleans are expected. Each report refuses the fields it does not have.
 */
export interface ReportQuery {
  /** One status, several (an array or comma-separated). The deleted report takes `purged` or `not-purged`. */
  status?: string | readonly string[];
  /** A type's idnumber or id; for purges and the deleted report, `none` means no type. */
  type?: string | number;
  /** exports and purges: the request's origin. */
  origin?: string;
  /** A subject id. */
  subject?: string;
  /** The subject's kind (staff, learner, support, ...). */
  kind?: string;
  /** From this date (YYYY-MM-DD) or instant (ISO-8601 with a zone), inclusive: created_at, or status_changed_at. */
  from?: string;
  /** To this date (inclusive of the whole day) or instant (inclusive). */
  to?: string;
  /** deleted only: only legacy subjects (true), or none of them (false). */
  legacy?: boolean | string;
  /** purges only: only dry runs (true), or no dry runs (false). */
  dryRun?: boolean | string;
  /** `column`, `column:asc` or `column:desc`. */
  sort?: string;
  /** 1 to 1000; 50 by default. Ignored when streaming. */
  limit?: number | string;
  /** Ignored when streaming. */
  offset?: number | string;
}

export interface ReportSort<C extends string = string> {
  column: C;
  direction: 'asc' | 'desc';
}

/** A validated query: dates normalised to the store's ISO format. */
export interface ParsedReportQuery<C extends string = string> {
  statuses: string[];
  type?: string;
  origin?: string;
  subject?: string;
  kind?: string;
  /** Inclusive lower bound. */
  from?: string;
  /** Upper bound: `<` value when not inclusive (a whole day), `<=` when inclusive (an instant). */
  to?: { value: string; inclusive: boolean };
  legacy?: boolean;
  dryRun?: boolean;
  sort: ReportSort<C>;
  limit: number;
  offset: number;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

function realDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

interface DateBound {
  iso: string;
  dateOnly: boolean;
}

const dateSchema = z.string().transform((value, ctx): DateBound => {
  const match = datePattern.exec(value.trim());
  const time = match ? Date.parse(value.trim()) : Number.NaN;
  if (!match || !realDay(Number(match[1]), Number(match[2]), Number(match[3])) || Number.isNaN(time)) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a date (YYYY-MM-DD) or an ISO-8601 instant with a zone (2024-05-01T10:00:00Z), not "${value}"`,
    });
    return z.NEVER;
  }
  return { iso: new Date(time).toISOString(), dateOnly: match[4] === undefined };
});

function listSchema(allowed: readonly string[]) {
  return z.union([z.string(), z.array(z.string())]).transform((value, ctx) => {
    const values = [value]
      .flat()
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
    const bad = values.find((v) => !allowed.includes(v));
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `"${bad}" is not one of ${allowed.join(', ')}` });
      return z.NEVER;
    }
    return [...new Set(values)];
  });
}

function oneOf(allowed: readonly string[]) {
  return z.string().refine((v) => allowed.includes(v), {
    error: (issue) => `"${String(issue.input)}" is not one of ${allowed.join(', ')}`,
  });
}

const flagSchema = z.union([z.boolean(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'boolean') return value;
  const v = value.trim().toLowerCase();
  if (['true', 'yes', '1'].includes(v)) return true;
  if (['false', 'no', '0'].includes(v)) return false;
  ctx.addIssue({ code: 'custom', message: `must be true or false, not "${value}"` });
  return z.NEVER;
});

function intSchema(min: number, max: number) {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const n = typeof value === 'number' ? value : /^\s*\d{1,16}\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a whole number from ${min} to ${max}, not "${value}"`,
      });
      return z.NEVER;
    }
    return n;
  });
}

function sortSchema(columns: readonly string[]) {
  return z.string().transform((value, ctx): ReportSort => {
    const [column = '', direction = 'asc', ...rest] = value.trim().split(':');
    if (!columns.includes(column) || (direction !== 'asc' && direction !== 'desc') || rest.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a sort: use a column (${columns.join(', ')}), optionally followed by :asc or :desc`,
      });
      return z.NEVER;
    }
    return { column, direction };
  });
}

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

function common(kind: ReportKind) {
  return {
    type: z.union([z.string().trim().min(1, 'must not be empty').max(100), z.number().int().positive()]),
    subject: text(255),
    kind: text(64),
    from: dateSchema,
    to: dateSchema,
    sort: sortSchema(reportSortColumns[kind]),
    limit: intSchema(1, maxReportLimit),
    offset: intSchema(0, Number.MAX_SAFE_INTEGER),
  };
}

const schemas = {
  exports: z
    .object({ ...common('exports'), status: listSchema(exportStatuses), origin: oneOf(reportOrigins) })
    .partial()
    .strict(),
  purges: z
    .object({
      ...common('purges'),
      status: listSchema(purgeStatuses),
      origin: oneOf(reportOrigins),
      dryRun: flagSchema,
    })
    .partial()
    .strict(),
  deleted: z
    .object({ ...common('deleted'), status: listSchema(deletedPurgeStates), legacy: flagSchema })
    .partial()
    .strict(),
};

const reportNames: Record<ReportKind, string> = {
  exports: 'The exports report',
  purges: 'The purges report',
  deleted: 'The deleted-subjects report',
};

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function queryError(kind: ReportKind, issue: Issue | undefined): LetheError {
  const what = reportNames[kind];
  if (!issue) return new LetheError('LETHE_E_INVALID_INPUT', `${what}'s query is not valid.`);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys ?? [];
    return new LetheError(
      'LETHE_E_INVALID_INPUT',
      `${what} has no filter ${keys.map((k) => `'${k}'`).join(', ')}.`,
      { field: keys[0], fields: keys },
    );
  }
  const field = issue.path.map(String).join('.');
  if (field === '') {
    return new LetheError('LETHE_E_INVALID_INPUT', `${what}'s query must be an object.`, { field: 'query' });
  }
  return new LetheError('LETHE_E_INVALID_INPUT', `${what}: '${field.split('.')[0]}' ${issue.message}.`, {
    field: field.split('.')[0],
  });
}

/**
 * Validates a report's query. LETHE_E_INVALID_INPUT, with `details.field` naming the field, for a bad status,
 * origin, date, sort column, limit or offset, or a filter the report does not have.
 */
export function parseReportQuery<K extends ReportKind>(
  kind: K,
  query: ReportQuery | undefined,
): ParsedReportQuery<(typeof reportSortColumns)[K][number]> {
  const input = Object.fromEntries(Object.entries(query ?? {}).filter(([, v]) => v !== undefined));
  const result = schemas[kind].safeParse(input);
  if (!result.success) throw queryError(kind, result.error.issues[0] as Issue | undefined);
  const values = result.data as {
    status?: string[];
    type?: string | number;
    origin?: string;
    subject?: string;
    kind?: string;
    from?: DateBound;
    to?: DateBound;
    legacy?: boolean;
    dryRun?: boolean;
    sort?: ReportSort;
    limit?: number;
    offset?: number;
  };
  let to: ParsedReportQuery['to'];
  if (values.to) {
    to = values.to.dateOnly
      ? { value: new Date(Date.parse(values.to.iso) + 86_400_000).toISOString(), inclusive: false }
      : { value: values.to.iso, inclusive: true };
  }
  if (values.from && to && (to.inclusive ? to.value < values.from.iso : to.value <= values.from.iso)) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `${reportNames[kind]}: 'to' must not be before 'from'.`, {
      field: 'to',
    });
  }
  const parsed: ParsedReportQuery = {
    statuses: values.status ?? [],
    sort: values.sort ?? reportDefaultSort[kind],
    limit: values.limit ?? defaultReportLimit,
    offset: values.offset ?? 0,
  };
  if (values.type !== undefined) parsed.type = String(values.type);
  if (values.origin !== undefined) parsed.origin = values.origin;
  if (values.subject !== undefined) parsed.subject = values.subject;
  if (values.kind !== undefined) parsed.kind = values.kind;
  if (values.from) parsed.from = values.from.iso;
  if (to) parsed.to = to;
  if (values.legacy !== undefined) parsed.legacy = values.legacy;
  if (values.dryRun !== undefined) parsed.dryRun = values.dryRun;
  return parsed as ParsedReportQuery<(typeof reportSortColumns)[K][number]>;
}
