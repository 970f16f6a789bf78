import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import type { EraseContext, EraseMode, SubjectContext, SubjectRef } from '../../src/items/index.js';
import { campusAnonymousUser, campusSubjects } from './generate.js';
import { campusTables } from './schema.js';

/** Every row of every campus table, keyed `table:id`, as a stable JSON string (blobs as hex). */
export function dumpCampus(dbPath: string): Map<string, string> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const out = new Map<string, string>();
    for (const table of campusTables) {
      for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY id`).all() as Array<
        Record<string, unknown>
      >) {
        const json = JSON.stringify(row, (_key, value: unknown) =>
          value &&
          typeof value === 'object' &&
          'type' in value &&
          (value as { type: unknown }).type === 'Buffer'
            ? `hex:${Buffer.from((value as unknown as { data: number[] }).data).toString('hex')}`
            : value,
        );
        out.set(`${table}:${String(row['id'])}`, json);
      }
    }
    return out;
  } finally {
    db.close();
  }
}

export function hashDump(dump: Map<string, string>): string {
  const hash = createHash('sha256');
  for (const [key, json] of dump) hash.update(`${key}=${json}\n`);
  return hash.digest('hex');
}

/** The campus people as the subjects Lethe would pass to items. */
export function subjectRefs(dbPath: string): SubjectRef[] {
  return [...campusSubjects(dbPath)].map((s) => ({
    id: s.id,
    username: s.username,
    email: s.email,
    fullName: s.fullName,
    kind: s.kind,
    status: s.status,
  }));
}

export function anonymousRef(dbPath: string): SubjectRef {
  const a = campusAnonymousUser(dbPath);
  return {
    id: a.id,
    username: a.username,
    email: a.email,
    fullName: a.fullName,
    kind: a.kind,
    status: a.status,
  };
}

function runContext(anonymousUser: SubjectRef) {
  return {
    anonymousUser,
    signal: new AbortController().signal,
    timeLimitMs: 60_000,
    deadline: Date.now() + 60_000,
  };
}

export function batchContext(subjects: readonly SubjectRef[], anonymousUser: SubjectRef) {
  return { ...runContext(anonymousUser), subjects };
}

export function eraseContext(
  subjects: readonly SubjectRef[],
  anonymousUser: SubjectRef,
  mode: EraseMode,
  dryRun: boolean,
): EraseContext {
  return { ...runContext(anonymousUser), subjects, mode, dryRun };
}

export function subjectContext(subject: SubjectRef, anonymousUser: SubjectRef): SubjectContext {
  return { ...runContext(anonymousUser), subject };
}

/** Columns that hold a campus user id. */
const userColumns = new Set([
  'user_id',
  'contact_user_id',
  'subject_user_id',
  'author_id',
  'from_user_id',
  'to_user_id',
  'last_post_user_id',
  'reporter_id',
  // The dataset items job/managed and helpdesk/assigned change these: a row that names the subject as manager or
  // assignee belongs to them in part.
  'manager_id',
  'assignee_id',
]);

/**
 * Whether a row (as dumped before an erase) belongs, at least in part, to one of the batch: it names one of their
 * ids in a user column (or is their own users row), or its text holds one of their addresses; a helpdesk issue
 * also belongs to them when its description was made from an email that belongs to them.
 */
export function rowInvolves(
  key: string,
  json: string,
  ids: ReadonlySet<number>,
  emails: readonly string[],
  involvedEmails: ReadonlySet<number>,
): boolean {
  const table = key.slice(0, key.indexOf(':'));
  const row = JSON.parse(json) as Record<string, unknown>;
  if (table === 'users' && ids.has(Number(row['id']))) return true;
  for (const [column, value] of Object.entries(row)) {
    if (userColumns.has(column) && typeof value === 'number' && ids.has(value)) return true;
    if (typeof value === 'string' && emails.some((e) => e !== '' && value.toLowerCase().includes(e)))
      return true;
  }
  if (table === 'helpdesk_issues' && involvedEmails.has(Number(row['description_email_id']))) return true;
  return false;
}

/**
 * Compares two dumps: returns the keys of rows that changed, disappeared or appeared although they do not
 * belong to the batch. Empty means the invariant holds.
 */
export function foreignChanges(
  before: Map<string, string>,
  after: Map<string, string>,
  batch: readonly SubjectRef[],
): string[] {
  const ids = new Set(batch.map((s) => Number(s.id)));
  const emails = batch.map((s) => s.email.toLowerCase()).filter((e) => e !== '');
  const involvedEmails = new Set<number>();
  for (const [key, json] of before) {
    if (key.startsWith('helpdesk_emails:') && rowInvolves(key, json, ids, emails, new Set())) {
      involvedEmails.add(Number(key.slice('helpdesk_emails:'.length)));
    }
  }
  const bad: string[] = [];
  for (const [key, json] of before) {
    if (after.get(key) === json) continue;
    if (!rowInvolves(key, json, ids, emails, involvedEmails)) bad.push(key);
  }
  for (const key of after.keys()) if (!before.has(key)) bad.push(key);
  return bad;
}
