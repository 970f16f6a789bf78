import type { Database, Statement } from 'better-sqlite3';
import type { CampusTable } from '../schema.js';
import type { CampusRandom } from './campus-random.js';

export type CellValue = string | number | Buffer | null;
export type Row = Record<string, CellValue>;

export type PersonKind = 'staff' | 'learner' | 'support';
export type PersonStatus = 'active' | 'suspended' | 'deleted';

/** A generated user, as the other generators need to know them. */
export interface Person {
  id: number;
  username: string;
  email: string;
  firstname: string;
  lastname: string;
  fullName: string;
  kind: PersonKind;
  status: PersonStatus;
  legacy: boolean;
  company: string;
  createdAt: string;
  /** Sarah Stanley and the admin get a full set of every kind of data. */
  rich: boolean;
}

export interface Company {
  name: string;
  domain: string;
  members: Person[];
}

/** The generator's shared state: the database, the random source, the people, and one insert per table. */
export class CampusBuilder {
  readonly people: Person[] = [];
  readonly companies: Company[] = [];
  readonly courseIds: number[] = [];
  readonly forumIds: number[] = [];
  readonly #statements = new Map<string, { statement: Statement; columns: string[] }>();

  constructor(
    readonly db: Database,
    readonly random: CampusRandom,
    readonly filesDir: string | undefined,
  ) {}

  /** Inserts one row with a cached prepared statement and returns its id. */
  insert(table: CampusTable, row: Row): number {
    const columns = Object.keys(row);
    const key = `${table}(${columns.join(',')})`;
    let cached = this.#statements.get(key);
    if (!cached) {
      const sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
      cached = { statement: this.db.prepare(sql), columns };
      this.#statements.set(key, cached);
    }
    const values = cached.columns.map((c) => row[c] ?? null);
    return Number(cached.statement.run(values).lastInsertRowid);
  }

  /** People who use the learning platform (staff and learners). */
  get platformUsers(): Person[] {
    return this.people.filter((p) => p.kind !== 'support');
  }

  get staff(): Person[] {
    return this.people.filter((p) => p.kind === 'staff');
  }

  get supportUsers(): Person[] {
    return this.people.filter((p) => p.kind === 'support');
  }

  /** How a reply mentions someone: by full name, by @username or by email address. */
  mention(person: Person): string {
    const r = this.random;
    switch (r.int(0, 2)) {
      case 0:
        return r.pick([
          `As ${person.fullName} said earlier, `,
          `I agree with ${person.fullName}. `,
          `Thanks to ${person.fullName} for the pointer. `,
        ]);
      case 1:
        return r.pick([`@${person.username} `, `cc @${person.username}: `, `Ping @${person.username}, `]);
      default:
        return r.pick([
          `You can write to ${person.email} for the slides. `,
          `(contact: ${person.email}) `,
          `I forwarded it to ${person.email}. `,
        ]);
    }
  }
}
