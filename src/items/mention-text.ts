/**
 * How a subject's name, username or email address is found in free text, and redacted, the same way for every item
 * that exposes a `mentions` capability: whole words only, case-insensitively.
 *
 * "Whole word" means the match is not part of a longer word or address: the character just before it and just after
 * it is not a letter, digit or `_`, nor a `.`, `@` or `-` joined to one (so `@ann`, `(ann)` and `ann.` at the end
 * of a sentence mention `ann`, but `annie`, `joann`, `joe.ann` and `ann@other.org` do not; and `ann@x.org` is not
 * found inside `ann@x.org.uk`). Whitespace inside a term (a full name) matches any run of whitespace, so a name
 * broken over two lines is still found.
 */

/** What a redaction puts in place of each mention. */
export const redactedMark = '[redacted]';

/** Terms shorter than this are ignored: they would match too much ordinary text. */
export const minMentionTermLength = 3;

const wordChar = '[\\p{L}\\p{N}_]';
const joiner = '[.@-]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The distinct, trimmed terms worth searching for, longest first (so a full name wins over a part of it). */
export function mentionTerms(terms: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const raw of terms) {
    const term = raw.trim().replace(/\s+/gu, ' ');
    if ([...term].length < minMentionTermLength) continue;
    const key = term.toLowerCase();
    if (!seen.has(key)) seen.set(key, term);
  }
  return [...seen.values()].sort((a, b) => b.length - a.length || a.localeCompare(b));
}

/** A global, case-insensitive pattern for every term as a whole word; undefined when no term is usable. */
export function mentionPattern(terms: readonly string[]): RegExp | undefined {
  const usable = mentionTerms(terms);
  if (usable.length === 0) return undefined;
  const alternatives = usable.map((term) => term.split(' ').map(escapeRegExp).join('\\s+'));
  const before = `(?<!${wordChar}|${wordChar}${joiner})`;
  const after = `(?!${wordChar}|${joiner}${wordChar})`;
  return new RegExp(`${before}(?:${alternatives.join('|')})${after}`, 'giu');
}

/** One mention in a text: where it starts, how long it is, and the words matched. */
export interface MentionMatch {
  index: number;
  length: number;
  text: string;
}

/** Every mention of the terms in `text`, left to right, without overlaps. */
export function findMentionsInText(text: string, pattern: RegExp | undefined): MentionMatch[] {
  if (!pattern || text === '') return [];
  const out: MentionMatch[] = [];
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (const match of text.matchAll(re)) {
    out.push({ index: match.index ?? 0, length: match[0].length, text: match[0] });
  }
  return out;
}

/**
 * Replaces each mention with `[redacted]` and leaves every other character of the text as it was. Returns the new
 * text and how many mentions were replaced.
 */
export function redactMentionsInText(
  text: string,
  pattern: RegExp | undefined,
): { text: string; count: number } {
  const matches = findMentionsInText(text, pattern);
  if (matches.length === 0) return { text, count: 0 };
  let out = '';
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.index) + redactedMark;
    at = m.index + m.length;
  }
  return { text: out + text.slice(at), count: matches.length };
}

/** A short, one-line excerpt around a mention, with `…` where the text was cut. */
export function mentionExcerpt(text: string, match: MentionMatch, radius = 40): string {
  const start = Math.max(0, match.index - radius);
  const end = Math.min(text.length, match.index + match.length + radius);
  const body = text.slice(start, end).replace(/\s+/gu, ' ').trim();
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}

/**
 * Fragments that a SQL prefilter may look for with a case-insensitive LIKE (`%fragment%`): for each term, its
 * longest run of ASCII letters, digits and `@._-` (SQL engines fold only ASCII case). Undefined when some term has
 * no such run of 3 characters or more: then no prefilter is safe, and every row must be read.
 */
export function likeFragments(terms: readonly string[]): string[] | undefined {
  const out = new Set<string>();
  for (const term of mentionTerms(terms)) {
    const runs = term.match(/[A-Za-z0-9@._-]+/g) ?? [];
    const longest = runs.reduce((a, b) => (b.length > a.length ? b : a), '');
    if (longest.length < minMentionTermLength) return undefined;
    out.add(longest.toLowerCase());
  }
  return [...out];
}

/** Escapes `%`, `_` and `\` for a LIKE pattern used with `ESCAPE '\'`. */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
