import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellText, csvField, csvLine, csvTable } from './csv.js';

/** Splits RFC 4180 text back into records (the same small parser as the package test, kept local). */
function parse(input: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && input[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

async function collect(parts: AsyncIterable<string>): Promise<string> {
  let out = '';
  for await (const p of parts) out += p;
  return out;
}

async function* from<T>(values: readonly T[]): AsyncGenerator<T> {
  yield* values;
}

describe('csv', () => {
  it('quotes only what needs quoting', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvLine(['a', '', 'b c'])).toBe('a,,b c\r\n');
  });

  it('writes values as text: empty for null, JSON for objects', () => {
    expect(cellText(null)).toBe('');
    expect(cellText(undefined)).toBe('');
    expect(cellText(12.5)).toBe('12.5');
    expect(cellText(false)).toBe('false');
    expect(cellText(10n)).toBe('10');
    expect(cellText(new Date('2024-01-01T00:00:00Z'))).toBe('2024-01-01T00:00:00.000Z');
    expect(cellText({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
  });

  it('parses back to the same cells, whatever they hold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }), { maxLength: 10 }),
        (rows) => {
          const text = rows.map(csvLine).join('');
          const back = parse(text);
          // A record of one empty field is an empty line, which parses as one empty field too.
          expect(back).toEqual(rows);
        },
      ),
    );
  });

  it('gives every row every column, empty where a record lacks the key', async () => {
    const text = await collect(
      csvTable(['a', 'b', 'c'], from([{ a: 1 }, { a: 2, b: 'x,y' }, { c: null, a: 3 }])),
    );
    expect(parse(text)).toEqual([
      ['a', 'b', 'c'],
      ['1', '', ''],
      ['2', 'x,y', ''],
      ['3', '', ''],
    ]);
  });
});
