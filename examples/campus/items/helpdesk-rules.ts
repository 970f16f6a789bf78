import type Database from 'better-sqlite3';
import type { SubjectRef } from '../../../src/items/index.js';
import { chunks, hostBatch, inTransaction, placeholders, runPerChunk } from './batch-sql.js';
import { CampusDatabase } from './campus-database.js';

/** One subject as the helpdesk rules see them: their campus user id and every address they are known by. */
export interface HelpdeskTarget {
  subjectId: string;
  userId: number | undefined;
  addresses: string[];
}

/** What the email rules will change, and how many emails concern each subject. */
export interface HelpdeskEmailPlan {
  /** Emails to blank whole: sent by a target, sent to one, or system emails whose text holds a target's address. */
  blank: number[];
  /** Other emails that only lose targets' addresses from their CC and BCC. */
  lists: Array<{ id: number; cc: string; bcc: string }>;
  /** Issues whose description was made from an email that a target sent. */
  descriptions: number[];
  /** Per subject id: the emails that concern them, by id. */
  concerned: Map<string, number[]>;
  /** Per subject id: how many emails concern them. */
  emails: Map<string, number>;
  /** Per subject id: of those, how many are blanked, and how many only lose an address. */
  blanked: Map<string, number>;
  unlisted: Map<string, number>;
}

function splitList(list: string): string[] {
  return list
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

/**
 * A letter, digit, mark or private-use character of any script. The search index's tokenizer (FTS5 unicode61) keeps
 * letters, digits, private-use characters and the diacritics it folds inside a word: this is a little wider, so an
 * address the rule finds whole always stands as whole words in the index (see `indexHits`).
 */
const wordChar = /^[\p{L}\p{N}\p{M}\p{Co}]$/u;

/** The whole character (a surrogate pair counts as one) that ends right before `index`. */
function charBefore(text: string, index: number): string | undefined {
  if (index <= 0) return undefined;
  const low = text.charCodeAt(index - 1);
  const high = index >= 2 ? text.charCodeAt(index - 2) : 0;
  const pair = low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
  return text.slice(pair ? index - 2 : index - 1, index);
}

/** The whole character that starts at `index`. */
function charAt(text: string, index: number): string | undefined {
  const code = text.codePointAt(index);
  return code === undefined ? undefined : String.fromCodePoint(code);
}

/** Whether the character right before an address makes it part of a longer one. */
function continuesBefore(char: string | undefined): boolean {
  return char !== undefined && (wordChar.test(char) || '._%+-'.includes(char));
}

/** Whether the text right after an address makes it part of a longer one. */
function continuesAfter(text: string, end: number): boolean {
  const char = charAt(text, end);
  if (char === undefined) return false;
  if (char === '-' || wordChar.test(char)) return true;
  const next = charAt(text, end + 1);
  return char === '.' && next !== undefined && wordChar.test(next);
}

/**
 * Whether `address` appears in `text` as a whole address (not inside a longer one), in any letter case: not right
 * after a letter, digit or `._%+-`, nor right before a letter, digit, `-` or a dot and a letter or digit. Letters,
 * digits and marks of any script (see `wordChar`), so that the rule never finds an address where the search index's
 * words (see `indexHits`) don't: an accent right after an address makes another address.
 */
export function mentionsAddress(text: string, address: string): boolean {
  const needle = address.toLowerCase();
  if (needle === '') return false;
  const haystack = text.toLowerCase();
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    if (!continuesBefore(charBefore(haystack, at)) && !continuesAfter(haystack, at + needle.length))
      return true;
  }
  return false;
}

/** Each subject with their campus user id and their addresses (Lethe's and the campus's), lower-cased. */
export function helpdeskTargets(campus: CampusDatabase, subjects: readonly SubjectRef[]): HelpdeskTarget[] {
  const batch = hostBatch(subjects);
  const hostEmail = new Map<number, string>();
  for (const chunk of chunks(batch.ids)) {
    const rows = campus
      .prepare(
        `SELECT id, lower(trim(email)) AS email FROM users WHERE id IN (${placeholders(chunk.length)})`,
      )
      .all(...chunk) as Array<{ id: number; email: string }>;
    for (const row of rows) hostEmail.set(row.id, row.email);
  }
  return subjects.map((subject) => {
    const id = /^[1-9][0-9]{0,15}$/.test(subject.id) ? Number(subject.id) : undefined;
    const known = id !== undefined && hostEmail.has(id);
    const addresses = new Set<string>();
    for (const a of [subject.email, known && id !== undefined ? hostEmail.get(id) : '']) {
      const address = (a ?? '').trim().toLowerCase();
      if (address.includes('@')) addresses.add(address);
    }
    return { subjectId: subject.id, userId: known ? id : undefined, addresses: [...addresses] };
  });
}

/** An email that may concern a subject of the batch, with the user id and address it may concern them by. */
interface EmailHit extends EmailRow {
  user_id: number | null;
  addr: string | null;
}

/** One email as the rules read it: the sender's address and the "to" list lower-cased, the text of system emails. */
interface EmailRow {
  id: number;
  kind: string;
  from_user_id: number | null;
  from_address: string;
  to_list: string;
  cc: string;
  bcc: string;
  text: string;
}

const emailColumns = `e.id AS id, e.kind AS kind, e.from_user_id AS from_user_id,
    lower(trim(e.from_address)) AS from_address, lower(e.to_addresses) AS to_list,
    e.cc_addresses AS cc, e.bcc_addresses AS bcc,
    CASE WHEN e.kind = 'system' THEN e.subject || char(10) || e.body ELSE '' END AS text`;

/*
 * Without the search index, for a few addresses, the SQL finds candidates with LIKE (case-insensitive for ASCII,
 * like lower()), a superset: an address inside a longer one, or `_` matching any character; the exact rules (list
 * membership, whole-word mentions) are then checked on each candidate.
 */
const hitSql = (values: string) => `WITH a(user_id, addr, pattern) AS (VALUES ${values})
  SELECT a.user_id AS user_id, a.addr AS addr, ${emailColumns}
  FROM a JOIN helpdesk_emails AS e ON e.blanked = 0 AND (
    e.from_user_id = a.user_id
    OR e.from_address LIKE a.pattern
    OR e.to_addresses LIKE a.pattern
    OR e.cc_addresses LIKE a.pattern
    OR e.bcc_addresses LIKE a.pattern
    OR (e.kind = 'system' AND (e.subject LIKE a.pattern OR e.body LIKE a.pattern)))
  ORDER BY e.id`;

/**
 * Above this many (user, address) pairs, one scan of the emails replaces a lookup per pair. On the 20,000-user
 * demo (30,000 emails) a lookup costs about 0.1 ms a pair and the scan about 100 ms: they meet near 600 pairs.
 */
export const helpdeskScanAbove = 500;

type Pair = [number | null, string | null, string | null];

function* likeHits(campus: CampusDatabase, pairs: readonly Pair[]): Generator<EmailHit> {
  for (const chunk of chunks(pairs, 250)) {
    yield* campus.prepare(hitSql(chunk.map(() => '(?, ?, ?)').join(', '))).all(...chunk.flat()) as EmailHit[];
  }
}

/** Whether the campus database has the helpdesk's search index (one built before it had one does not). */
const searchIndexes = new WeakMap<CampusDatabase, boolean>();

function hasSearchIndex(campus: CampusDatabase): boolean {
  let has = searchIndexes.get(campus);
  if (has === undefined) {
    has =
      campus
        .prepare("SELECT 1 FROM sqlite_master WHERE name = 'helpdesk_emails_search' AND type = 'table'")
        .get() !== undefined;
    searchIndexes.set(campus, has);
  }
  return has;
}

/**
 * An address as a full-text phrase: the words before its "@", in order, wherever they appear, in any column. Where
 * the address stands whole, they do too ("@" separates words), and they are far rarer than the domain's words,
 * which most addresses share: on the 20,000-user demo the phrase of the whole address costs 120 µs, this one 40 µs.
 * The address's own words are the phrase when the part before its "@" has none.
 */
function addressPhrase(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, Math.max(at, 0));
  const words = [...local].some((char) => wordChar.test(char)) ? local : address;
  return `"${words.replaceAll('"', '""')}"`;
}

/**
 * For a few addresses, with the helpdesk's search index: the emails sent by the user id, and those whose addresses
 * or text hold the words before the address's "@" in order (a superset of where the address appears whole, in any
 * letter case; the rules then check each exactly). An address with no letter or digit has no words: LIKE finds it instead.
 */
function* indexHits(campus: CampusDatabase, pairs: readonly Pair[]): Generator<EmailHit> {
  const wordless: Pair[] = [];
  for (const pair of pairs) {
    const [userId, address] = pair;
    if (address !== null && ![...address].some((char) => wordChar.test(char))) {
      wordless.push(pair);
      continue;
    }
    const ids = new Set<number>();
    if (userId !== null) {
      const rows = campus
        .prepare('SELECT id FROM helpdesk_emails WHERE from_user_id = ? AND blanked = 0')
        .raw()
        .all(userId) as Array<[number]>;
      for (const [id] of rows) ids.add(id);
    }
    if (address !== null) {
      const rows = campus
        .prepare('SELECT rowid FROM helpdesk_emails_search WHERE helpdesk_emails_search MATCH ?')
        .raw()
        .all(addressPhrase(address)) as Array<[number]>;
      for (const [id] of rows) ids.add(id);
    }
    for (const chunk of chunks([...ids].sort((a, b) => a - b))) {
      const rows = campus
        .prepare(
          `SELECT ${emailColumns} FROM helpdesk_emails AS e
           WHERE e.id IN (${placeholders(chunk.length)}) AND e.blanked = 0 ORDER BY e.id`,
        )
        .all(...chunk) as EmailRow[];
      for (const row of rows) yield { ...row, user_id: userId, addr: address };
    }
  }
  if (wordless.length > 0) yield* likeHits(campus, wordless);
}

/**
 * For many addresses: ONE scan of the emails not yet blanked, each matched in memory against the batch: by sender
 * id and address, by each entry of its lists, and (system emails) by each "@" of its text, tried against the
 * batch's addresses that have as many characters before their "@". Fewer candidates than the LIKE join (no
 * wildcards, no address inside a longer one in a list), but never fewer of those a rule keeps, in a time that does
 * not grow with the number of addresses.
 */
function* scanHits(campus: CampusDatabase, pairs: readonly Pair[]): Generator<EmailHit> {
  const byUser = new Map<number, Pair[]>();
  const byAddress = new Map<string, Pair[]>();
  /** Addresses by their part before the "@", and how long those parts are. */
  const byLocal = new Map<string, string[]>();
  const localLengths = new Set<number>();
  for (const pair of pairs) {
    const [userId, address] = pair;
    if (userId !== null) byUser.set(userId, [...(byUser.get(userId) ?? []), pair]);
    if (address === null) continue;
    if (!byAddress.has(address)) {
      const at = address.indexOf('@');
      const local = address.slice(0, at);
      byLocal.set(local, [...(byLocal.get(local) ?? []), address]);
      localLengths.add(at);
    }
    byAddress.set(address, [...(byAddress.get(address) ?? []), pair]);
  }
  const lengths = [...localLengths];
  // Arrays, not objects, for the many rows that concern nobody: see the columns below.
  const rows = campus
    .prepare(
      `SELECT e.id, e.kind, e.from_user_id, lower(trim(e.from_address)), lower(e.to_addresses), e.cc_addresses,
         e.bcc_addresses, CASE WHEN e.kind = 'system' THEN e.subject || char(10) || e.body ELSE '' END
       FROM helpdesk_emails AS e WHERE e.blanked = 0 ORDER BY e.id`,
    )
    .raw()
    .iterate() as IterableIterator<[number, string, number | null, string, string, string, string, string]>;
  let found: Pair[] = [];
  const add = (list: readonly Pair[] | undefined) => {
    if (list) for (const pair of list) if (!found.includes(pair)) found.push(pair);
  };
  const addList = (list: string) => {
    if (list !== '') for (const entry of list.split(',')) add(byAddress.get(entry.trim().toLowerCase()));
  };
  for (const [id, kind, fromUserId, fromAddress, toList, cc, bcc, text] of rows) {
    if (fromUserId !== null) add(byUser.get(fromUserId));
    add(byAddress.get(fromAddress));
    addList(toList);
    addList(cc);
    addList(bcc);
    for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
      for (const length of lengths) {
        if (length > at) continue;
        const candidates = byLocal.get(text.slice(at - length, at).toLowerCase());
        if (!candidates) continue;
        for (const address of candidates) {
          if (text.slice(at - length, at - length + address.length).toLowerCase() === address) {
            add(byAddress.get(address));
          }
        }
      }
    }
    if (found.length === 0) continue;
    const email: EmailRow = {
      id,
      kind,
      from_user_id: fromUserId,
      from_address: fromAddress,
      to_list: toList,
      cc,
      bcc,
      text,
    };
    for (const [userId, addr] of found) yield { ...email, user_id: userId, addr };
    found = [];
  }
}

/**
 * Works out what the helpdesk email rules do for these subjects: blank the emails each sent (and the issue
 * descriptions made from them), the emails sent to them, and the system emails whose text holds their address;
 * remove their address from the CC and BCC of every other email. Candidates come from the helpdesk's search index
 * for a few addresses (a LIKE join on a database without one, or with `searchIndex: false`), or from one scan of
 * the emails for more (`scanAbove` pairs); the rules are then checked exactly.
 */
export function planHelpdeskEmails(
  campus: CampusDatabase,
  targets: readonly HelpdeskTarget[],
  options: { scanAbove?: number; searchIndex?: boolean } = {},
): HelpdeskEmailPlan {
  const blank = new Set<number>();
  const sent = new Set<number>();
  const concerned = new Map<string, Set<number>>();
  const listHits = new Map<number, { cc: string; bcc: string; remove: Set<string>; subjects: Set<string> }>();
  const subjectOfUser = new Map<number, string>();
  const subjectOfAddress = new Map<string, string[]>();

  const pairs: Pair[] = [];
  for (const target of targets) {
    concerned.set(target.subjectId, new Set());
    if (target.userId !== undefined) subjectOfUser.set(target.userId, target.subjectId);
    for (const address of target.addresses) {
      subjectOfAddress.set(address, [...(subjectOfAddress.get(address) ?? []), target.subjectId]);
      pairs.push([target.userId ?? null, address, `%${address}%`]);
    }
    if (target.addresses.length === 0 && target.userId !== undefined) pairs.push([target.userId, null, null]);
  }

  const hits =
    pairs.length > (options.scanAbove ?? helpdeskScanAbove)
      ? scanHits(campus, pairs)
      : (options.searchIndex ?? true) && hasSearchIndex(campus)
        ? indexHits(campus, pairs)
        : likeHits(campus, pairs);
  for (const hit of hits) {
    const subjectIds = new Set<string>();
    const userSubject = hit.user_id !== null ? subjectOfUser.get(hit.user_id) : undefined;
    if (userSubject !== undefined) subjectIds.add(userSubject);
    for (const s of hit.addr ? (subjectOfAddress.get(hit.addr) ?? []) : []) subjectIds.add(s);
    const addr = hit.addr ?? '';
    const isSender =
      (hit.user_id !== null && hit.from_user_id === hit.user_id) ||
      (addr !== '' && hit.from_address === addr);
    const isRecipient = addr !== '' && splitList(hit.to_list).includes(addr);
    // Candidates that match only by LIKE (a longer address, a wildcard) and by no rule are dropped below.
    const isMentioned = addr !== '' && hit.kind === 'system' && mentionsAddress(hit.text, addr);
    const inCc = addr !== '' && splitList(hit.cc.toLowerCase()).includes(addr);
    const inBcc = addr !== '' && splitList(hit.bcc.toLowerCase()).includes(addr);
    if (isSender) sent.add(hit.id);
    if (isSender || isRecipient || isMentioned) blank.add(hit.id);
    else if (inCc || inBcc) {
      const entry = listHits.get(hit.id) ?? {
        cc: hit.cc,
        bcc: hit.bcc,
        remove: new Set(),
        subjects: new Set(),
      };
      entry.remove.add(addr);
      for (const s of subjectIds) entry.subjects.add(s);
      listHits.set(hit.id, entry);
    } else continue;
    for (const s of subjectIds) concerned.get(s)?.add(hit.id);
  }

  const lists: HelpdeskEmailPlan['lists'] = [];
  const unlisted = new Map<string, number>();
  for (const [id, entry] of listHits) {
    if (blank.has(id)) continue;
    const keep = (list: string) =>
      splitList(list)
        .filter((a) => !entry.remove.has(a.toLowerCase()))
        .join(',');
    lists.push({ id, cc: keep(entry.cc), bcc: keep(entry.bcc) });
    for (const s of entry.subjects) unlisted.set(s, (unlisted.get(s) ?? 0) + 1);
  }
  const emails = new Map<string, number>();
  const blanked = new Map<string, number>();
  const concernedIds = new Map<string, number[]>();
  for (const [subjectId, ids] of concerned) {
    emails.set(subjectId, ids.size);
    concernedIds.set(
      subjectId,
      [...ids].sort((a, b) => a - b),
    );
    blanked.set(subjectId, [...ids].filter((id) => blank.has(id)).length);
    if (!unlisted.has(subjectId)) unlisted.set(subjectId, 0);
  }
  const sentIds = [...sent].sort((a, b) => a - b);
  const descriptions: number[] = [];
  for (const chunk of chunks(sentIds)) {
    const rows = campus
      .prepare(
        `SELECT id FROM helpdesk_issues WHERE description_email_id IN (${placeholders(chunk.length)}) AND description <> ''`,
      )
      .all(...chunk) as Array<{ id: number }>;
    descriptions.push(...rows.map((r) => r.id));
  }
  return {
    blank: [...blank].sort((a, b) => a - b),
    lists,
    descriptions,
    concerned: concernedIds,
    emails,
    blanked,
    unlisted,
  };
}

/** Applies a plan with set-based UPDATEs (the caller holds the transaction). */
export function applyHelpdeskEmailPlan(campus: CampusDatabase, plan: HelpdeskEmailPlan): void {
  runPerChunk(
    campus,
    plan.blank,
    (ids) => `UPDATE helpdesk_emails SET from_user_id = NULL, from_address = '', to_addresses = '',
      cc_addresses = '', bcc_addresses = '', subject = '', body = '', blanked = 1 WHERE id IN (${ids})`,
  );
  runPerChunk(
    campus,
    plan.descriptions,
    (ids) => `UPDATE helpdesk_issues SET description = '' WHERE id IN (${ids})`,
  );
  for (const chunk of chunks(plan.lists)) {
    campus
      .prepare(
        `UPDATE helpdesk_emails AS e SET cc_addresses = j.value ->> '$.cc', bcc_addresses = j.value ->> '$.bcc'
         FROM json_each(?) AS j WHERE e.id = j.value ->> '$.id'`,
      )
      .run(JSON.stringify(chunk));
  }
}

/** What "Anonymize user" did for one subject. */
export interface SupportAnonymisation {
  status: 'success' | 'skipped';
  /** Records concerned: emails blanked or edited, plus 1 when the user's own row changed. */
  count: number;
  emailsBlanked: number;
  addressesRemoved: number;
  userAnonymised: boolean;
  message?: string;
}

/** The condition under which a support user's row still needs anonymising. */
const notYetAnonymised = `(t.firstname <> 'Anonymized' OR t.lastname <> '' OR t.middlename <> '' OR t.alternatename <> ''
  OR t.username <> 'anonymized-' || t.id OR t.email <> '' OR t.phone <> '' OR t.mobile <> '' OR t.address <> ''
  OR t.city <> '' OR t.description <> '' OR t.interests <> '' OR t.idnumber <> '' OR t.status = 'active'
  OR EXISTS (SELECT 1 FROM user_info_data AS d WHERE d.user_id = t.id)
  OR EXISTS (SELECT 1 FROM user_history AS h WHERE h.user_id = t.id))`;

/** The helpdesk "Anonymize user" action, planned: which subjects are support users, and what would change. */
export function planSupportAnonymisation(
  campus: CampusDatabase,
  subjects: readonly SubjectRef[],
): {
  support: number[];
  pending: Set<number>;
  targets: HelpdeskTarget[];
  plan: HelpdeskEmailPlan;
  results: Map<string, SupportAnonymisation>;
} {
  const batch = hostBatch(subjects);
  const support: number[] = [];
  const pending = new Set<number>();
  for (const chunk of chunks(batch.ids)) {
    const rows = campus
      .prepare(
        `SELECT t.id AS id, ${notYetAnonymised} AS pending FROM users AS t
         WHERE t.id IN (${placeholders(chunk.length)}) AND t.kind = 'support'`,
      )
      .all(...chunk) as Array<{ id: number; pending: number }>;
    for (const row of rows) {
      support.push(row.id);
      if (row.pending) pending.add(row.id);
    }
  }
  const supportSubjects = new Set(support.map((id) => batch.subjectOf.get(id)));
  const targets = helpdeskTargets(
    campus,
    subjects.filter((s) => supportSubjects.has(s.id)),
  );
  const plan = planHelpdeskEmails(campus, targets);
  const results = new Map<string, SupportAnonymisation>();
  for (const subject of subjects) {
    if (!supportSubjects.has(subject.id)) {
      const known = batch.subjectOf.has(Number(subject.id));
      results.set(subject.id, {
        status: 'skipped',
        count: 0,
        emailsBlanked: 0,
        addressesRemoved: 0,
        userAnonymised: false,
        message: known
          ? 'Not a support user: "Anonymize user" applies to helpdesk customers only.'
          : 'Not a campus user.',
      });
      continue;
    }
    const userAnonymised = pending.has(Number(subject.id));
    const emails = plan.emails.get(subject.id) ?? 0;
    results.set(subject.id, {
      status: 'success',
      count: emails + (userAnonymised ? 1 : 0),
      emailsBlanked: plan.blanked.get(subject.id) ?? 0,
      addressesRemoved: plan.unlisted.get(subject.id) ?? 0,
      userAnonymised,
    });
  }
  return { support, pending, targets, plan, results };
}

/**
 * The helpdesk "Anonymize user" action, for support users only (others are `skipped`), one or many at once, with
 * set-based statements in one transaction (rolled back when `dryRun`). For each support user it:
 * - renames them "Anonymized" (username `anonymized-<id>`), and blanks every other personal field: email,
 *   phone numbers, address, city, description, interests, ID number; deletes their custom profile fields and the
 *   history on their user card; keeps their company;
 * - blanks whole (subject, body, every address, the sender id) the emails they sent (and the issue descriptions
 *   made from those emails), the emails sent to them, and every system email whose text holds their address;
 * - removes their address from the CC and BCC of every other email, leaving the rest of it alone;
 * - then inactivates them (active becomes suspended).
 * It matches a person by their campus user id and by every address they are known by (the subject's and the
 * campus's), so it is idempotent: a second run finds nothing left to change.
 */
export function anonymiseSupportUsers(
  db: Database.Database | CampusDatabase,
  subjects: readonly SubjectRef[],
  options: { dryRun?: boolean } = {},
): Map<string, SupportAnonymisation> {
  const campus = db instanceof CampusDatabase ? db : CampusDatabase.fromConnection(db);
  return inTransaction(campus, options.dryRun ?? false, () => {
    const { pending, plan, results } = planSupportAnonymisation(campus, subjects);
    applyHelpdeskEmailPlan(campus, plan);
    const ids = [...pending];
    const now = new Date().toISOString();
    runPerChunk(
      campus,
      ids,
      (
        list,
      ) => `UPDATE users SET firstname = 'Anonymized', lastname = '', middlename = '', alternatename = '',
        username = 'anonymized-' || id, email = '', phone = '', mobile = '', address = '', city = '',
        description = '', interests = '', idnumber = '',
        status_changed_at = CASE WHEN status = 'active' THEN ? ELSE status_changed_at END,
        status = CASE WHEN status = 'active' THEN 'suspended' ELSE status END,
        updated_at = ?
        WHERE id IN (${list}) AND kind = 'support'`,
      [now, now],
    );
    runPerChunk(campus, ids, (list) => `DELETE FROM user_info_data WHERE user_id IN (${list})`);
    runPerChunk(campus, ids, (list) => `DELETE FROM user_history WHERE user_id IN (${list})`);
    return results;
  });
}
