import {
  escapeLikePattern,
  findMentionsInText,
  likeFragments,
  type MentionCapability,
  type MentionContext,
  type MentionHit,
  mentionExcerpt,
  mentionPattern,
  type RedactMentionsContext,
  redactMentionsInText,
} from '../../../src/items/index.js';
import { chunks, inTransaction, placeholders, throwIfAborted } from './batch-sql.js';
import type { CampusDatabase } from './campus-database.js';

/** Free-text columns of one table, and how to tell the subject's own rows (which are not "mentions"). */
export interface TextMentionsSpec {
  table: string;
  fields: readonly string[];
  /** The column that holds the author's user id: rows the subject wrote are left out. */
  author: string;
  /** Also left out: rows whose column holds the subject's email (a sender address). */
  authorAddress?: string;
}

const pageSize = 500;

/**
 * Finds a subject's name, username or email in other people's free text (whole words, case-insensitively, as
 * `src/items/mention-text.ts` defines), with a SQL LIKE prefilter and keyset pages; and redacts them in place,
 * replacing only each mention with "[redacted]".
 */
export function textMentions(campus: CampusDatabase, spec: TextMentionsSpec): MentionCapability {
  const { table, fields, author } = spec;
  /** The condition that leaves out the subject's own rows. */
  const ownFilter = (ctx: MentionContext) => {
    const id = /^[1-9][0-9]{0,15}$/.test(ctx.subject.id) ? Number(ctx.subject.id) : null;
    const parts = [`t.${author} IS NOT ?`];
    const params: unknown[] = [id];
    if (spec.authorAddress && ctx.subject.email) {
      parts.push(`lower(t.${spec.authorAddress}) <> ?`);
      params.push(ctx.subject.email.toLowerCase());
    }
    return { sql: parts.join(' AND '), params };
  };

  return {
    async *find(ctx: MentionContext): AsyncIterable<MentionHit> {
      const pattern = mentionPattern(ctx.terms);
      if (!pattern) return;
      const own = ownFilter(ctx);
      const fragments = likeFragments(ctx.terms);
      const likeParams: string[] = [];
      let prefilter = '';
      if (fragments) {
        const ors: string[] = [];
        for (const field of fields) {
          for (const fragment of fragments) {
            ors.push(`t.${field} LIKE ? ESCAPE '\\'`);
            likeParams.push(`%${escapeLikePattern(fragment)}%`);
          }
        }
        prefilter = ` AND (${ors.join(' OR ')})`;
      }
      const sql = `SELECT t.id AS id, ${fields.map((f) => `t.${f} AS ${f}`).join(', ')} FROM ${table} AS t
        WHERE ${own.sql}${prefilter} AND t.id > ? ORDER BY t.id LIMIT ?`;
      let after = 0;
      for (;;) {
        throwIfAborted(ctx.signal);
        const rows = campus.prepare(sql).all(...own.params, ...likeParams, after, pageSize) as Array<
          Record<string, unknown>
        >;
        for (const row of rows) {
          for (const field of fields) {
            const text = typeof row[field] === 'string' ? (row[field] as string) : '';
            for (const match of findMentionsInText(text, pattern)) {
              yield { recordId: String(row['id']), field, excerpt: mentionExcerpt(text, match) };
            }
          }
        }
        if (rows.length < pageSize) return;
        after = Number(rows[rows.length - 1]?.['id']);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },

    async redact(ctx: RedactMentionsContext): Promise<number> {
      const pattern = mentionPattern(ctx.terms);
      if (!pattern) return 0;
      const ids = ctx.recordIds.filter((id) => /^[1-9][0-9]{0,15}$/.test(id)).map(Number);
      const own = ownFilter(ctx);
      throwIfAborted(ctx.signal);
      return inTransaction(campus, false, () => {
        let replaced = 0;
        for (const chunk of chunks(ids)) {
          const rows = campus
            .prepare(
              `SELECT t.id AS id, ${fields.map((f) => `t.${f} AS ${f}`).join(', ')} FROM ${table} AS t
               WHERE t.id IN (${placeholders(chunk.length)}) AND ${own.sql}`,
            )
            .all(...chunk, ...own.params) as Array<Record<string, unknown>>;
          const changes: Array<Record<string, unknown>> = [];
          for (const row of rows) {
            const change: Record<string, unknown> = { id: row['id'] };
            let changed = false;
            for (const field of fields) {
              const text = typeof row[field] === 'string' ? (row[field] as string) : '';
              const redacted = redactMentionsInText(text, pattern);
              change[field] = redacted.text;
              if (redacted.count > 0) {
                changed = true;
                replaced += redacted.count;
              }
            }
            if (changed) changes.push(change);
          }
          if (changes.length === 0) continue;
          campus
            .prepare(
              `UPDATE ${table} AS t SET ${fields.map((f) => `${f} = j.value ->> '$.${f}'`).join(', ')}
               FROM json_each(?) AS j WHERE t.id = j.value ->> '$.id'`,
            )
            .run(JSON.stringify(changes));
        }
        return replaced;
      });
    },
  };
}
