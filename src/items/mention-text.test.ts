import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findMentionsInText,
  likeFragments,
  mentionExcerpt,
  mentionPattern,
  mentionTerms,
  redactedMark,
  redactMentionsInText,
} from './mention-text.js';

const terms = ['Ann Lee', 'alee', 'ann.lee@mail.example'];
const pattern = mentionPattern(terms);

describe('mention text', () => {
  it('finds whole words only, case-insensitively, with the full name across any whitespace', () => {
    const found = (text: string) => findMentionsInText(text, pattern).map((m) => m.text);
    expect(found('As ANN LEE said, @alee wrote to Ann.Lee@Mail.Example.')).toEqual([
      'ANN LEE',
      'alee',
      'Ann.Lee@Mail.Example',
    ]);
    expect(found('Ann\n  Lee was here')).toEqual(['Ann\n  Lee']);
    expect(found('(alee) alee, "alee"')).toEqual(['alee', 'alee', 'alee']);
    // Not inside longer words or addresses.
    expect(found('aleem, xalee, alee_x, alee2, joe.alee, alee@other.example, x-alee')).toEqual([]);
    expect(found('Write to ann.lee@mail.example.uk or jann.lee@mail.example')).toEqual([]);
    expect(found('Ann Leeds and Anne Lee')).toEqual([]);
  });

  it('ignores blank and very short terms, and drops repeats', () => {
    expect(mentionTerms(['  Ann   Lee ', 'ann lee', 'al', '', 'alee'])).toEqual(['Ann Lee', 'alee']);
    expect(mentionPattern(['', 'x'])).toBeUndefined();
    expect(findMentionsInText('anything', undefined)).toEqual([]);
  });

  it('redacts each mention and nothing else', () => {
    expect(redactMentionsInText('Hi Ann Lee, cc alee: mail ann.lee@mail.example!', pattern)).toEqual({
      text: `Hi ${redactedMark}, cc ${redactedMark}: mail ${redactedMark}!`,
      count: 3,
    });
    expect(redactMentionsInText('nothing here', pattern)).toEqual({ text: 'nothing here', count: 0 });
  });

  it('makes one-line excerpts around a mention', () => {
    const text = `${'x '.repeat(50)}Thanks to Ann Lee\nfor this. ${'y '.repeat(50)}`;
    const [match] = findMentionsInText(text, pattern);
    const excerpt = match ? mentionExcerpt(text, match, 10) : '';
    expect(excerpt).toBe('…Thanks to Ann Lee for this.…');
  });

  it('gives LIKE fragments only when every term has an ASCII run of 3 characters', () => {
    expect(likeFragments(['Ann Lee', 'alee'])).toEqual(['ann', 'alee']);
    expect(likeFragments(['Zoë Ng', 'zng'])).toBeUndefined();
    expect(likeFragments(['Chloé Martin'])).toEqual(['martin']);
  });

  it('property: redaction changes only the mentions; the text between them stays byte for byte', () => {
    const separators = [' ', ', ', '\n', ' (', ') ', '! ', '; ', '\t', ' "', '" '];
    const termArb = fc.constantFrom(...terms);
    const caseArb = fc.constantFrom<(s: string) => string>(
      (s) => s,
      (s) => s.toUpperCase(),
      (s) => s.toLowerCase(),
    );
    // Filler words are never a term, nor a word of one (two fillers "Ann" and "Lee" would make a mention).
    const termWords = new Set(terms.flatMap((t) => t.toLowerCase().split(/[^\p{L}\p{N}]+/u)));
    const fillerArb = fc
      .stringMatching(/^[a-zA-Zà-öø-ÿ0-9]{1,12}$/)
      .filter((w) => !termWords.has(w.toLowerCase()) && findMentionsInText(w, pattern).length === 0);
    const pieceArb = fc.oneof(
      fc.record({ mention: fc.constant(true), text: fc.tuple(termArb, caseArb).map(([t, c]) => c(t)) }),
      fc.record({ mention: fc.constant(false), text: fillerArb }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(pieceArb, fc.constantFrom(...separators)), { maxLength: 30 }),
        fc.constantFrom(...separators, ''),
        (pieces, lead) => {
          let text = lead;
          let expected = lead;
          let mentions = 0;
          for (const [piece, sep] of pieces) {
            text += piece.text + sep;
            expected += (piece.mention ? redactedMark : piece.text) + sep;
            if (piece.mention) mentions++;
          }
          const redacted = redactMentionsInText(text, pattern);
          expect(redacted.text).toBe(expected);
          expect(redacted.count).toBe(mentions);
        },
      ),
      { numRuns: 300 },
    );
  });
});
