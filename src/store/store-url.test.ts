import { describe, expect, it } from 'vitest';
import { parseStoreUrl, redactStoreUrl } from './store-url.js';

describe('parseStoreUrl', () => {
  it('takes a PostgreSQL schema out of the URL', () => {
    expect(parseStoreUrl('postgres://lethe@db.example:5432/app?schema=lethe_prod')).toEqual({
      dialect: 'postgres',
      target: 'postgres://lethe@db.example:5432/app',
      schema: 'lethe_prod',
    });
    expect(parseStoreUrl('postgresql://db/app?sslmode=require&schema=s1').target).toBe(
      'postgresql://db/app?sslmode=require',
    );
    expect(parseStoreUrl('postgres://db/app').schema).toBeUndefined();
  });

  it.each(['x"; drop table subjects; --', 'Public', '', 'a'.repeat(64), '1abc'])(
    'refuses the schema %j by name',
    (schema) => {
      expect(() => parseStoreUrl(`postgres://db/app?schema=${encodeURIComponent(schema)}`)).toThrow(
        expect.objectContaining({ code: 'LETHE_E_STORE_URL', message: expect.stringContaining('schema') }),
      );
    },
  );

  it('resolves SQLite paths against the base folder and names an empty one', () => {
    expect(parseStoreUrl('sqlite:data/lethe.db', '/srv/lethe')).toEqual({
      dialect: 'sqlite',
      target: '/srv/lethe/data/lethe.db',
    });
    expect(() => parseStoreUrl('sqlite:')).toThrow(expect.objectContaining({ code: 'LETHE_E_STORE_URL' }));
    expect(() => parseStoreUrl('mongodb://x')).toThrow(
      expect.objectContaining({ code: 'LETHE_E_STORE_URL' }),
    );
  });

  it('never repeats a password in its errors, even in a URL that does not parse', () => {
    for (const url of [
      'postgres://lethe:s3cret-pw@db:notaport/app',
      'postgres://lethe:s3cret@pw@db:99999/app',
      'mysql://lethe:s3cret-pw@db/app',
    ]) {
      let error: unknown;
      try {
        parseStoreUrl(url);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'LETHE_E_STORE_URL' });
      expect(JSON.stringify((error as { toJSON(): unknown }).toJSON())).not.toMatch(/s3cret|pw@/);
      expect((error as Error).message).toContain('lethe:***@');
    }
    expect(redactStoreUrl('postgres://lethe@db/app')).toBe('postgres://lethe@db/app');
    expect(redactStoreUrl('postgres://lethe:pw@db/app')).toBe('postgres://lethe:***@db/app');
  });
});
