import type { SubjectRef } from '../../../items/index.js';
import type { ColumnInfo, ForeignKey, SqlDialect, SqlValue } from '../connection/index.js';
import type { ResolvedItem, ResolvedLink } from '../resolve/index.js';
import { joinStatements, placeholders, type Statement, stmt } from './statement.js';
import { containsPattern, emailsOf, idValues, wholeWordPattern } from './subject-values.js';

/** How many emails one whole-word regular expression holds. */
const emailsPerPattern = 100;

/** What the `hash` strategy writes: 64 lower-case hex characters (HMAC-SHA256). */
export const hashedValuePattern = '^[0-9a-f]{64}$';

/** One column assignment of an anonymising UPDATE. */
export type Assignment =
  | { column: ColumnInfo; kind: 'value'; value: SqlValue }
  | { column: ColumnInfo; kind: 'when-in'; ids: SqlValue[]; value: SqlValue }
  | { column: ColumnInfo; kind: 'map'; pairs: Array<[SqlValue, SqlValue]> };

/**
 * The SQL of one dataset item, for one dialect. Every identifier comes from the introspected schema and is quoted;
 * every value is a bound parameter. Statements are set-based: one statement covers a whole batch of subjects.
 */
export class ItemSql {
  readonly #q: (id: string) => string;
  readonly table: string;

  constructor(
    readonly item: ResolvedItem,
    readonly dialect: SqlDialect,
  ) {
    this.#q = dialect.quote;
    this.table = dialect.quote(item.table.name);
  }

  /** `"table"."column"` for a column of the item's table. */
  col(name: string): string {
    return `${this.table}.${this.#q(name)}`;
  }

  #in(expression: string, values: readonly SqlValue[]): Statement {
    if (values.length === 0) return stmt('1 = 0');
    return stmt(`${expression} IN (${placeholders(values.length)})`, [...values]);
  }

  /**
   * Whether the item's only link is a column that anonymising makes the anonymous user: every row of a batch then
   * holds one of the batch's ids in that column.
   */
  anonymisesOnlyLink(): boolean {
    const [only, ...others] = this.item.links;
    if (!only || others.length > 0 || only.kind !== 'column') return false;
    return this.item.strategies.some(
      (s) => s.strategy.kind === 'anonymous-user' && s.column.name === only.column.name,
    );
  }

  /** A predicate on the item's table: the row belongs, through this link, to one of `subjects`. */
  linkMatch(link: ResolvedLink, subjects: readonly SubjectRef[]): Statement {
    const q = this.#q;
    if (link.kind === 'column') return this.#in(this.col(link.column.name), idValues(subjects, link.column));
    if (link.kind === 'text') {
      const emails = emailsOf(subjects).map((e) => e.email);
      const text = this.dialect.comparable(`LOWER(${this.col(link.column.name)})`);
      if (link.match === 'equals') return this.#in(text, [...new Set(emails)]);
      const unique = [...new Set(emails)];
      if (unique.length === 0) return stmt('1 = 0');
      const parts: Statement[] = [];
      for (let i = 0; i < unique.length; i += emailsPerPattern) {
        parts.push(
          stmt(this.dialect.regexMatch(text, '?'), [wholeWordPattern(unique.slice(i, i + emailsPerPattern))]),
        );
      }
      return parts.length === 1 ? (parts[0] as Statement) : wrapOr(parts);
    }
    const hops = link.hops;
    const last = hops.length;
    let inner = this.#in(`lethe_h${last}.${q(link.column.name)}`, idValues(subjects, link.column));
    for (let i = last; i >= 1; i--) {
      const hop = hops[i - 1];
      if (!hop) break;
      const sub = `SELECT lethe_h${i}.${q(hop.to)} FROM ${q(hop.table)} lethe_h${i} WHERE ${inner.sql}`;
      const left = i === 1 ? this.col(hop.column) : `lethe_h${i - 1}.${q(hop.column)}`;
      inner = stmt(`${left} IN (${sub})`, inner.params);
    }
    return inner;
  }

  /** A predicate: the row belongs to one of `subjects` through any link. */
  match(subjects: readonly SubjectRef[]): Statement {
    const parts = this.item.links.map((l) => this.linkMatch(l, subjects));
    const links = parts.length === 1 ? (parts[0] as Statement) : wrapOr(parts);
    const filter = this.#filter();
    if (filter.sql === '') return links;
    return stmt(`(${links.sql})${filter.sql}`, [...links.params, ...filter.params]);
  }

  /** ` AND "table"."column" IN (...)` for each `where` of the item, or nothing. */
  #filter(): Statement {
    return joinStatements(
      this.item.where.map((w) => {
        const values = w.values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
        return stmt(` AND ${this.col(w.column.name)} IN (${placeholders(values.length)})`, values);
      }),
      '',
    );
  }

  /**
   * ` AND (...)`: the row still holds something that anonymising would change. A column counts while it is not yet
   * what its strategy makes it: not NULL (`null`), not NULL nor blank (`blank`), not NULL nor the value (`fixed`),
   * still one of the batch's ids (`anonymous-user`), not NULL nor a 64-hex-character hash (`hash`). Nothing (every
   * row counts) when the item has no strategy but `keep`.
   */
  #stillPersonal(subjects: readonly SubjectRef[]): Statement {
    // A row found through its only link column still holds a batch id there: when that column becomes the
    // anonymous user, every row of the batch counts, and the test would only repeat the match.
    if (this.anonymisesOnlyLink()) return stmt('');
    const parts: Statement[] = [];
    let strategies = 0;
    for (const { column, strategy } of this.item.strategies) {
      const c = this.col(column.name);
      if (strategy.kind !== 'keep') strategies++;
      if (strategy.kind === 'null') parts.push(stmt(`${c} IS NOT NULL`));
      else if (strategy.kind === 'blank') parts.push(stmt(`${c} IS NOT NULL AND ${c} <> ''`));
      else if (strategy.kind === 'fixed') {
        const v = typeof strategy.value === 'boolean' ? (strategy.value ? 1 : 0) : strategy.value;
        parts.push(stmt(`${c} IS NOT NULL AND ${c} <> ?`, [v]));
      } else if (strategy.kind === 'anonymous-user') {
        const ids = idValues(subjects, column);
        if (ids.length > 0) parts.push(this.#in(c, ids));
      } else if (strategy.kind === 'hash') parts.push(this.#notHashed(c));
    }
    if (strategies === 0) return stmt('');
    if (parts.length === 0) return stmt(' AND 1 = 0');
    const joined = joinStatements(
      parts.map((p) => stmt(`(${p.sql})`, p.params)),
      ' OR ',
    );
    return stmt(` AND (${joined.sql})`, joined.params);
  }

  /** The column holds a value that is not yet a hash. */
  #notHashed(c: string): Statement {
    return stmt(`${c} IS NOT NULL AND NOT (${this.dialect.regexMatch(this.dialect.castText(c), '?')})`, [
      hashedValuePattern,
    ]);
  }

  #keySelect(): string {
    return this.item.key.map((k, i) => `${this.col(k.name)} AS lethe_k${i}`).join(', ');
  }

  /** Rows of the batch as (key..., lethe_sid), for one link. */
  #linkRows(link: ResolvedLink, subjects: readonly SubjectRef[], extra: Statement = stmt('')): Statement {
    const q = this.#q;
    const keys = this.#keySelect();
    if (link.kind === 'column') {
      const where = this.linkMatch(link, subjects);
      const sid = this.dialect.castText(this.col(link.column.name));
      const f = this.#filter();
      return stmt(
        `SELECT ${keys}, ${sid} AS lethe_sid FROM ${this.table} WHERE ${where.sql}${f.sql}${extra.sql}`,
        [...where.params, ...f.params, ...extra.params],
      );
    }
    if (link.kind === 'path') {
      const joins = link.hops
        .map((hop, i) => {
          const left = i === 0 ? this.col(hop.column) : `lethe_h${i}.${q(hop.column)}`;
          return `JOIN ${q(hop.table)} lethe_h${i + 1} ON lethe_h${i + 1}.${q(hop.to)} = ${left}`;
        })
        .join(' ');
      const final = `lethe_h${link.hops.length}.${q(link.column.name)}`;
      const where = this.#in(final, idValues(subjects, link.column));
      const f = this.#filter();
      return stmt(
        `SELECT ${keys}, ${this.dialect.castText(final)} AS lethe_sid FROM ${this.table} ${joins} WHERE ${where.sql}${f.sql}${extra.sql}`,
        [...where.params, ...f.params, ...extra.params],
      );
    }
    const emails = emailsOf(subjects);
    if (emails.length === 0) return stmt(`SELECT ${keys}, NULL AS lethe_sid FROM ${this.table} WHERE 1 = 0`);
    const f = joinStatements([this.#filter(), extra], '');
    const filterSql = f.sql === '' ? '' : ` WHERE 1 = 1${f.sql}`;
    const cast = (e: string) => this.dialect.castText(e);
    const text = this.dialect.comparable(`LOWER(${this.col(link.column.name)})`);
    if (link.match === 'equals') {
      const rows = emails
        .map(() => `SELECT ${cast('?')} AS lethe_sid, ${cast('?')} AS lethe_email`)
        .join(' UNION ALL ');
      return stmt(
        `SELECT ${keys}, lethe_b.lethe_sid FROM ${this.table} JOIN (${rows}) lethe_b ON ${text} = lethe_b.lethe_email${filterSql}`,
        [...emails.flatMap((e) => [e.id, e.email]), ...f.params],
      );
    }
    const rows = emails
      .map(() => `SELECT ${cast('?')} AS lethe_sid, ${cast('?')} AS lethe_like, ${cast('?')} AS lethe_re`)
      .join(' UNION ALL ');
    return stmt(
      `SELECT ${keys}, lethe_b.lethe_sid FROM ${this.table} JOIN (${rows}) lethe_b ON ${text} LIKE lethe_b.lethe_like ESCAPE '!' AND ${this.dialect.regexMatch(text, 'lethe_b.lethe_re')}${filterSql}`,
      [...emails.flatMap((e) => [e.id, containsPattern(e.email), wholeWordPattern([e.email])]), ...f.params],
    );
  }

  /**
   * Per subject of the batch, how many rows belong to it: rows `lethe_sid`, `lethe_n`. With `stillPersonal`, only
   * the rows that anonymising would still change (rows already anonymised hold nothing more to erase).
   */
  countPerSubject(subjects: readonly SubjectRef[], options: { stillPersonal?: boolean } = {}): Statement {
    const links = this.item.links;
    const only = links[0];
    const extra = options.stillPersonal ? this.#stillPersonal(subjects) : stmt('');
    if (links.length === 1 && only && only.kind === 'column') {
      const c = this.col(only.column.name);
      const where = this.linkMatch(only, subjects);
      const f = this.#filter();
      return stmt(
        `SELECT ${this.dialect.castText(c)} AS lethe_sid, COUNT(*) AS lethe_n FROM ${this.table} WHERE ${where.sql}${f.sql}${extra.sql} GROUP BY ${c}`,
        [...where.params, ...f.params, ...extra.params],
      );
    }
    if (links.length === 1 && only && only.kind === 'path' && only.hops.every((h) => h.unique)) {
      const rows = this.#linkRows(only, subjects, extra);
      return stmt(
        `SELECT lethe_x.lethe_sid, COUNT(*) AS lethe_n FROM (${rows.sql}) lethe_x GROUP BY lethe_x.lethe_sid`,
        rows.params,
      );
    }
    const union = joinStatements(
      links.map((l) => this.#linkRows(l, subjects, extra)),
      ' UNION ',
    );
    return stmt(
      `SELECT lethe_x.lethe_sid, COUNT(*) AS lethe_n FROM (${union.sql}) lethe_x GROUP BY lethe_x.lethe_sid`,
      union.params,
    );
  }

  /**
   * `countPerSubject` as one row where the dialect can aggregate pairs: `lethe_pairs`, a JSON array of
   * `[lethe_sid, lethe_n]`. Undefined where it can't (MySQL).
   */
  countPerSubjectJson(
    subjects: readonly SubjectRef[],
    options: { stillPersonal?: boolean } = {},
  ): Statement | undefined {
    const pairs = this.dialect.jsonPairs;
    if (!pairs) return undefined;
    const rows = this.countPerSubject(subjects, options);
    return stmt(
      `SELECT ${pairs('lethe_c.lethe_sid', 'lethe_c.lethe_n')} AS lethe_pairs FROM (${rows.sql}) lethe_c`,
      rows.params,
    );
  }

  /** `NOT EXISTS` one row of another table (or this one) still referring to the row. */
  #notReferenced(fk: ForeignKey, index: number): string {
    const q = this.#q;
    const alias = `lethe_r${index}`;
    const on = fk.columns
      .map((c, i) => `${alias}.${q(c)} = ${this.col(fk.refColumns[i] ?? '')}`)
      .join(' AND ');
    if (fk.table === this.item.table.name && this.dialect.wrapsSelfReference) {
      const cols = fk.columns.map((c) => q(c)).join(', ');
      return `NOT EXISTS (SELECT 1 FROM (SELECT ${cols} FROM ${q(fk.table)}) ${alias} WHERE ${on})`;
    }
    return `NOT EXISTS (SELECT 1 FROM ${q(fk.table)} ${alias} WHERE ${on})`;
  }

  #unreferenced(subjects: readonly SubjectRef[]): Statement {
    const where = this.match(subjects);
    const guards = this.item.referencedBy.map((fk, i) => this.#notReferenced(fk, i));
    return stmt([`(${where.sql})`, ...guards].join(' AND '), where.params);
  }

  /** Deletes the batch's rows that no row (of any table) still refers to. */
  deleteUnreferenced(subjects: readonly SubjectRef[]): Statement {
    const where = this.#unreferenced(subjects);
    return stmt(`DELETE FROM ${this.table} WHERE ${where.sql}`, where.params);
  }

  /** The file paths of the rows that `deleteUnreferenced` would delete. */
  pathsToDelete(subjects: readonly SubjectRef[], column: string): Statement {
    const where = this.#unreferenced(subjects);
    return stmt(
      `SELECT ${this.col(column)} AS lethe_path FROM ${this.table} WHERE ${where.sql}`,
      where.params,
    );
  }

  /** Whether any row of the table, of any subject, still holds this value in a column (a file path, say). */
  valueInUse(column: string, value: string): Statement {
    return stmt(`SELECT 1 AS lethe_used FROM ${this.table} WHERE ${this.col(column)} = ? LIMIT 1`, [value]);
  }

  /** The distinct values of a column in the batch's rows that are not NULL nor already a hash (to hash them). */
  distinctValues(subjects: readonly SubjectRef[], column: string): Statement {
    const where = this.match(subjects);
    const c = this.col(column);
    const fresh = this.#notHashed(c);
    return stmt(`SELECT DISTINCT ${c} AS lethe_v FROM ${this.table} WHERE (${where.sql}) AND ${fresh.sql}`, [
      ...where.params,
      ...fresh.params,
    ]);
  }

  /** Anonymises the batch's rows, optionally only those whose `restrict` column holds one of `restrictTo`. */
  update(
    subjects: readonly SubjectRef[],
    assignments: readonly Assignment[],
    restrict?: Statement,
  ): Statement {
    const q = this.#q;
    const sets: Statement[] = assignments.map((a) => {
      const c = q(a.column.name);
      if (a.kind === 'value') return a.value === null ? stmt(`${c} = NULL`) : stmt(`${c} = ?`, [a.value]);
      if (a.kind === 'when-in') {
        if (a.ids.length === 0) return stmt(`${c} = ${c}`);
        return stmt(`${c} = CASE WHEN ${c} IN (${placeholders(a.ids.length)}) THEN ? ELSE ${c} END`, [
          ...a.ids,
          a.value,
        ]);
      }
      if (a.pairs.length === 0) return stmt(`${c} = ${c}`);
      return stmt(
        `${c} = CASE ${c} ${a.pairs.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ${c} END`,
        a.pairs.flat(),
      );
    });
    const set = joinStatements(sets, ', ');
    const where = this.match(subjects);
    const extra = restrict ? ` AND ${restrict.sql}` : '';
    return stmt(`UPDATE ${this.table} SET ${set.sql} WHERE (${where.sql})${extra}`, [
      ...set.params,
      ...where.params,
      ...(restrict?.params ?? []),
    ]);
  }

  /** `column IN (values)` on the item's table, for restricting an update. */
  columnIn(column: string, values: readonly SqlValue[]): Statement {
    return this.#in(this.col(column), values);
  }

  #keyset(after: readonly SqlValue[] | undefined): Statement {
    if (!after) return stmt('');
    const keys = this.item.key.map((k) => this.col(k.name));
    if (keys.length === 1) return stmt(` AND ${keys[0]} > ?`, [...after]);
    return stmt(` AND (${keys.join(', ')}) > (${placeholders(keys.length)})`, [...after]);
  }

  #orderBy(): string {
    return this.item.key.map((k) => this.col(k.name)).join(', ');
  }

  /**
   * The subject's rows to export, ordered by key: export columns, then the key as `lethe_k0...`. With `page`, one
   * keyset page after the given key.
   */
  exportRows(subject: SubjectRef, page?: { after?: SqlValue[]; limit: number }): Statement {
    const cols = this.item.exportColumns.map((c) => this.col(c.name));
    const where = this.match([subject]);
    const keyset = this.#keyset(page?.after);
    const limit = page ? ` LIMIT ${Math.floor(page.limit)}` : '';
    return stmt(
      `SELECT ${[...cols, this.#keySelect()].join(', ')} FROM ${this.table} WHERE (${where.sql})${keyset.sql} ORDER BY ${this.#orderBy()}${limit}`,
      [...where.params, ...keyset.params],
    );
  }

  /** One keyset page of the subject's files: key, `lethe_path`, `lethe_name`, `lethe_size` (of the blob). */
  fileRows(subject: SubjectRef, page: { after?: SqlValue[]; limit: number }): Statement {
    const files = this.item.files;
    if (!files) throw new Error('the item has no files');
    const path = files.path ? this.col(files.path) : undefined;
    const blob = files.blob ? this.col(files.blob) : undefined;
    const cols = [
      `${path ?? 'NULL'} AS lethe_path`,
      `${files.name ? this.col(files.name) : 'NULL'} AS lethe_name`,
      `${blob ? this.dialect.byteLength(blob) : 'NULL'} AS lethe_size`,
    ];
    const present = [path, blob]
      .filter((c): c is string => c !== undefined)
      .map((c) => `${c} IS NOT NULL`)
      .join(' OR ');
    const where = this.match([subject]);
    const keyset = this.#keyset(page.after);
    return stmt(
      `SELECT ${[this.#keySelect(), ...cols].join(', ')} FROM ${this.table} WHERE (${where.sql}) AND (${present})${keyset.sql} ORDER BY ${this.#orderBy()} LIMIT ${Math.floor(page.limit)}`,
      [...where.params, ...keyset.params],
    );
  }

  /** The blob of one row, by key. */
  blob(key: readonly SqlValue[]): Statement {
    const blob = this.item.files?.blob;
    if (!blob) throw new Error('the item has no blob files');
    const where = this.item.key.map((k) => `${this.col(k.name)} = ?`).join(' AND ');
    return stmt(`SELECT ${this.col(blob)} AS lethe_blob FROM ${this.table} WHERE ${where}`, [...key]);
  }
}

function wrapOr(parts: readonly Statement[]): Statement {
  const joined = joinStatements(
    parts.map((p) => stmt(`(${p.sql})`, p.params)),
    ' OR ',
  );
  return stmt(`(${joined.sql})`, joined.params);
}
