import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeRelativePath, safeSegment, uniquePath, worthCompressing } from './package-paths.js';

describe('package paths', () => {
  it('keeps file paths inside their folder', () => {
    expect(safeRelativePath('../../etc/passwd')).toBe('etc/passwd');
    expect(safeRelativePath('/abs/x.txt')).toBe('abs/x.txt');
    expect(safeRelativePath('C:\\Users\\me\\doc.txt')).toBe('Users/me/doc.txt');
    expect(safeRelativePath('a/./b//c')).toBe('a/b/c');
    expect(safeRelativePath('..')).toBe('file');
    expect(safeRelativePath('')).toBe('file');
    expect(safeRelativePath('what?.txt')).toBe('what_.txt');
    expect(safeSegment('...hidden')).toBe('hidden');
    expect(safeSegment('name. ')).toBe('name');
  });

  it('never gives an absolute path, a parent step, a backslash or a control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (name) => {
        const path = safeRelativePath(name);
        expect(path.length).toBeGreaterThan(0);
        expect(path.startsWith('/')).toBe(false);
        expect(path).not.toMatch(/\\/);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: checking they are gone
        expect(path).not.toMatch(/[\u0000-\u001f]/);
        for (const segment of path.split('/')) {
          expect(segment).not.toBe('');
          expect(segment.startsWith('.')).toBe(false);
          expect(segment.length).toBeLessThanOrEqual(120);
        }
      }),
    );
  });

  it('makes names unique, ignoring case, keeping the extension', () => {
    const taken = new Set<string>();
    expect(uniquePath('files/x/a.txt', taken)).toBe('files/x/a.txt');
    expect(uniquePath('files/x/A.txt', taken)).toBe('files/x/A (2).txt');
    expect(uniquePath('files/x/a.txt', taken)).toBe('files/x/a (3).txt');
    expect(uniquePath('files/x.y/noext', taken)).toBe('files/x.y/noext');
    expect(uniquePath('files/x.y/noext', taken)).toBe('files/x.y/noext (2)');
  });

  it('stores formats that are compressed already', () => {
    expect(worthCompressing('files/a/photo.JPG')).toBe(false);
    expect(worthCompressing('files/a/notes.txt')).toBe(true);
    expect(worthCompressing('files/a.b/README')).toBe(true);
  });
});
