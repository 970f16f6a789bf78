import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { LetheError } from '../../src/errors/index.js';
import { CampusBuilder } from './generator/campus-builder.js';
import { CampusRandom } from './generator/campus-random.js';
import { generateForums } from './generator/generate-forum.js';
import { generateHelpdesk } from './generator/generate-helpdesk.js';
import { generateCatalogue, generateLearning } from './generator/generate-learning.js';
import { campusSpecialUsers, generatePeople } from './generator/generate-people.js';
import { generateProfiles } from './generator/generate-profile.js';
import { campusTables, createCampusSchema } from './schema.js';

export { campusReferenceDate } from './generator/campus-random.js';
export { campusSpecialUsers, helpdeskAddress } from './generator/generate-people.js';

export interface GenerateCampusOptions {
  /** How many people (the admin and Sarah Stanley included; the anonymous user is extra). At least 2. */
  users: number;
  seed: number;
  /** When given, file contents are written here (`ab/abcdef...`) instead of into the database. */
  filesDir?: string;
}

export interface GenerateCampusResult {
  /** Rows per table. */
  counts: Record<string, number>;
}

/**
 * Builds the campus database at `dbPath` (replacing any file there). The same seed and size always give the same
 * database, row for row. It runs in one transaction with prepared statements: 500 users take about a second.
 */
export async function generateCampus(
  dbPath: string,
  options: GenerateCampusOptions,
): Promise<GenerateCampusResult> {
  const { users, seed } = options;
  if (!Number.isInteger(users) || users < 2 || users > 1_000_000) {
    throw new LetheError(
      'LETHE_E_INVALID_INPUT',
      `The campus needs a whole number of users from 2 to 1000000, not ${users}.`,
      {
        field: 'users',
      },
    );
  }
  if (!Number.isInteger(seed)) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `The seed must be a whole number, not ${seed}.`, {
      field: 'seed',
    });
  }
  mkdirSync(dirname(dbPath), { recursive: true });
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    if (existsSync(dbPath + suffix)) rmSync(dbPath + suffix);
  }
  if (options.filesDir) mkdirSync(options.filesDir, { recursive: true });

  const db = new Database(dbPath);
  try {
    // A fresh file that nobody reads yet: no need for a rollback journal or fsyncs while it is built.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    createCampusSchema(db);
    const builder = new CampusBuilder(db, new CampusRandom(seed), options.filesDir);
    db.transaction(() => {
      generatePeople(builder, users);
      const catalogue = generateCatalogue(builder, users);
      generateProfiles(builder);
      generateLearning(builder, catalogue);
      generateForums(builder);
      generateHelpdesk(builder);
    })();
    // Left in the mode the campus application runs it in (see openCampusConnection): the mode is kept in the file,
    // so that the processes that open it first (several workers at once) do not race to switch it, which fails one
    // of them with "database is locked".
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    const counts: Record<string, number> = {};
    for (const table of campusTables) {
      const row = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
      counts[table] = row.n;
    }
    return { counts };
  } finally {
    db.close();
  }
}

/** A campus user as Lethe registers it as a subject. */
export interface CampusSubject {
  id: string;
  username: string;
  email: string;
  fullName: string;
  kind: 'staff' | 'learner' | 'support';
  status: 'active' | 'suspended' | 'deleted';
  legacy: boolean;
  /** When the status last changed (long ago for legacy deleted users). */
  statusChangedAt: string;
}

interface UserRow {
  id: number;
  username: string;
  email: string;
  full_name: string;
  kind: CampusSubject['kind'];
  status: CampusSubject['status'];
  legacy: number;
  status_changed_at: string;
}

const subjectSql = `SELECT id, username, email, trim(firstname || ' ' || lastname) AS full_name, kind, status, legacy,
  status_changed_at FROM users`;

function toSubject(row: UserRow): CampusSubject {
  return {
    id: String(row.id),
    username: row.username,
    email: row.email,
    fullName: row.full_name,
    kind: row.kind,
    status: row.status,
    legacy: row.legacy === 1,
    statusChangedAt: row.status_changed_at,
  };
}

/** Every person in the campus database, by id (the anonymous user is not one: see campusAnonymousUser). */
export function* campusSubjects(dbPath: string): Generator<CampusSubject> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(`${subjectSql} WHERE kind <> 'system' ORDER BY id`)
      .iterate() as IterableIterator<UserRow>;
    for (const row of rows) yield toSubject(row);
  } finally {
    db.close();
  }
}

/** The campus's anonymous user (id 2, "Anonymous", cannot log in): the identity anonymised content moves to. */
export function campusAnonymousUser(dbPath: string): Omit<CampusSubject, 'kind'> & { kind: 'system' } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`${subjectSql} WHERE id = ?`).get(Number(campusSpecialUsers.anonymous.id)) as
      | UserRow
      | undefined;
    if (!row) throw new LetheError('LETHE_E_NOT_FOUND', `${dbPath} has no anonymous user.`);
    return { ...toSubject(row), kind: 'system' };
  } finally {
    db.close();
  }
}
