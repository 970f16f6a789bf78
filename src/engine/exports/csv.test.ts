import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellText, csvCell, csvField, csvLine, csvTable } from './csv.js';
import { defuseFormula, looksLikeFormula } from './csv-formula.js';

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

  it('puts a single quote before text that a spreadsheet would run as a formula', () => {
    for (const hostile of [
      '=HYPERLINK("http://evil.test","x")',
      '+1+1',
      '-2+3',
      '@SUM(A1:A9)',
      '\t=1',
      '\r=1',
      '=',
      '-',
    ]) {
      expect(looksLikeFormula(hostile), JSON.stringify(hostile)).toBe(true);
      expect(csvCell(hostile)).toBe(`'${hostile}`);
    }
    // Only the first character counts, and a quote already there is not doubled up.
    for (const harmless of ['', 'a=b', ' =1', 'x-1', "'=1", '1-2', '{"a":-1}', '£5', 'mail@x.test']) {
      expect(looksLikeFormula(harmless), JSON.stringify(harmless)).toBe(false);
      expect(csvCell(harmless)).toBe(harmless);
    }
    expect(defuseFormula('=1')).toBe("'=1");
  });

  it('leaves numbers as numbers, negative ones too, but guards text that only looks like one', () => {
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(-0.25)).toBe('-0.25');
    expect(csvCell(-12n)).toBe('-12');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(null)).toBe('');
    expect(csvCell('-5')).toBe("'-5");
    expect(csvCell({ a: '=1' })).toBe('{"a":"=1"}');
    expect(csvCell(['=1'])).toBe('["=1"]');
  });

  it('guards every cell, the header too, and then quotes as RFC 4180 says', async () => {
    const text = await collect(
      csvTable(
        ['=cmd', 'plain'],
        from([{ '=cmd': '=1+2', plain: '-3,4' }, { '=cmd': -7, plain: '@x "y"' }, { plain: '\r\nx' }]),
      ),
    );
    expect(text).toBe(`'=cmd,plain\r\n'=1+2,"'-3,4"\r\n-7,"'@x ""y"""\r\n,"'\r\nx"\r\n`);
    expect(parse(text)).toEqual([
      ["'=cmd", 'plain'],
      ["'=1+2", "'-3,4"],
      ['-7', `'@x "y"`],
      ['', "'\r\nx"],
    ]);
  });

  it('never writes a cell that starts a formula, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const cell = csvCell(value);
        expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        expect(cell === value || cell === `'${value}`).toBe(true);
      }),
    );
  });
});
