import {
  type Item,
  itemKey,
  type MentionHit,
  mentionTerms,
  runWithLimit,
  type SubjectRef,
} from '../../../items/index.js';
import { recordAudit } from '../../audit/index.js';
import type { Actor, Engine } from '../../engine.js';
import { refuseAnonymous, requireSubject } from '../../requests/index.js';
import { readSettings } from '../../settings/index.js';
import { type Subject, toSubjectRef } from '../../subjects/index.js';

/** One place where the subject is named in someone else's content: data that needs review. */
export interface MentionReport extends MentionHit {
  item: string;
}

export interface MentionOptions {
  /** Replace each mention with "[redacted]" in place (items that can), leaving the rest of the text alone. */
  redact?: boolean;
  /** Who redacts, for the audit trail (`system` by default). */
  actor?: Actor;
  /** At most this many hits are listed (all are counted); 10,000 by default. */
  limit?: number;
}

export interface MentionsResult {
  subject: Subject;
  /** What was searched for: the full name, username and email, as whole words, case-insensitively. */
  terms: string[];
  hits: MentionReport[];
  /** Every hit found, even past `limit`. */
  total: number;
  /** Hits per item key. */
  byItem: Record<string, number>;
  /** Items whose search failed or timed out. */
  errors: { item: string; message: string }[];
  /** With `redact`: mentions replaced per item key; items that cannot redact are listed in `notRedacted`. */
  redacted?: Record<string, number>;
  notRedacted?: string[];
}

async function searchItem(
  engine: Engine,
  item: Item,
  subject: SubjectRef,
  terms: string[],
  keep: number,
): Promise<{ hits: MentionHit[]; total: number; records: Set<string> } | { error: string }> {
  const find = item.mentions?.find.bind(item.mentions);
  if (!find) return { hits: [], total: 0, records: new Set() };
  const run = await runWithLimit(
    async (signal) => {
      const hits: MentionHit[] = [];
      const records = new Set<string>();
      let total = 0;
      for await (const hit of find({ subject, terms, signal })) {
        if (signal.aborted) break;
        total++;
        records.add(hit.recordId);
        if (hits.length < keep) hits.push(hit);
      }
      return { hits, total, records };
    },
    { timeLimitMs: engine.config.worker.itemTimeLimitMs },
  );
  return run.ok ? run.value : { error: run.result.message ?? run.result.status };
}

/**
 * Finds where a subject's full name, username or email address appears, as a whole word and case-insensitively,
 * in the free text of other people's content (every item with a `mentions` capability: forum replies, messages,
 * helpdesk emails), and reports each hit (item, record, field, excerpt) as data that needs review. With `redact`,
 * each mention is then replaced with "[redacted]" in place, the rest of the text left byte for byte, and the
 * redaction is audited (`mentions.redact`, with counts, not the text). Terms shorter than 3 characters are not
 * searched. LETHE_E_INVALID_INPUT, LETHE_E_SUBJECT_UNKNOWN; redacting the anonymous user's name is
 * LETHE_E_SUBJECT_PROTECTED.
 */
export async function findMentions(
  engine: Engine,
  subjectId: string,
  options: MentionOptions = {},
): Promise<MentionsResult> {
  const subject = await requireSubject(engine.db, subjectId);
  if (options.redact) refuseAnonymous(subject, await readSettings(engine.db), 'purge');
  const ref = toSubjectRef(subject);
  const terms = mentionTerms([subject.fullName, subject.username, subject.email]);
  const limit = options.limit ?? 10_000;
  const result: MentionsResult = { subject, terms, hits: [], total: 0, byItem: {}, errors: [] };
  if (terms.length === 0) return result;
  const found = new Map<string, Set<string>>();
  for (const item of engine.items.list()) {
    if (!item.mentions) continue;
    const key = itemKey(item);
    const searched = await searchItem(engine, item, ref, terms, Math.max(0, limit - result.hits.length));
    if ('error' in searched) {
      result.errors.push({ item: key, message: searched.error });
      continue;
    }
    if (searched.total === 0) continue;
    result.total += searched.total;
    result.byItem[key] = searched.total;
    result.hits.push(...searched.hits.map((h) => ({ item: key, ...h })));
    found.set(key, searched.records);
  }
  if (options.redact) {
    const redacted: Record<string, number> = {};
    const notRedacted: string[] = [];
    for (const [key, records] of found) {
      const item = engine.items.get(key);
      const redact = item.mentions?.redact?.bind(item.mentions);
      if (!redact) {
        notRedacted.push(key);
        continue;
      }
      const recordIds = [...records];
      const run = await runWithLimit((signal) => redact({ subject: ref, terms, signal, recordIds }), {
        timeLimitMs: engine.config.worker.itemTimeLimitMs,
      });
      if (run.ok) redacted[key] = run.value;
      else
        result.errors.push({ item: key, message: `redaction: ${run.result.message ?? run.result.status}` });
    }
    result.redacted = redacted;
    result.notRedacted = notRedacted;
    await engine.db.transaction().execute((trx) =>
      recordAudit(trx, engine.store.dialect, {
        actor: options.actor ?? 'system',
        action: 'mentions.redact',
        targetType: 'subject',
        targetId: subject.id,
        details: {
          redacted,
          ...(notRedacted.length > 0 ? { notRedacted } : {}),
          errors: result.errors.length,
        },
      }),
    );
  }
  return result;
}
