import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl, redactUrl } from './database-url.js';
import { openConnection } from './open-connection.js';

describe('parseDatabaseUrl', () => {
  it('reads the three dialects', () => {
    expect(parseDatabaseUrl('sqlite:app.db', '/srv')).toEqual({ dialect: 'sqlite', target: '/srv/app.db' });
    expect(parseDatabaseUrl('sqlite:///abs/app.db')).toEqual({ dialect: 'sqlite', target: '/abs/app.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', target: ':memory:' });
    expect(parseDatabaseUrl('postgres://u:p@h:5432/db?schema=app')).toEqual({
      dialect: 'postgres',
      target: 'postgres://u:p@h:5432/db',
      schema: 'app',
    });
    expect(parseDatabaseUrl('postgresql://h/db').dialect).toBe('postgres');
    expect(parseDatabaseUrl('mysql://root@h:3306/app')).toEqual({
      dialect: 'mysql',
      target: 'mysql://root@h:3306/app',
    });
    expect(parseDatabaseUrl('mariadb://root@h/app')).toEqual({
      dialect: 'mysql',
      target: 'mysql://root@h/app',
    });
  });

  it('refuses malformed and unsupported URLs', () => {
    for (const url of [
      'oracle://h/db',
      'sqlite:',
      'mysql://h',
      'postgres://',
      'postgres://h/db?schema=a;b',
      'app.db',
    ]) {
      expect(() => parseDatabaseUrl(url), url).toThrow(
        expect.objectContaining({ code: 'LETHE_E_DATABASE_URL' }),
      );
    }
  });

  it('hides passwords', () => {
    expect(redactUrl('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
    expect(redactUrl('mysql://u:se@c/ret@h/db')).toBe('mysql://u:***@h/db');
    expect(redactUrl('sqlite:campus.db')).toBe('sqlite:campus.db');
    expect(() => parseDatabaseUrl('oracle://u:secret@h/db')).toThrow(/oracle:\/\/u:\*\*\*@h\/db/);
  });
});

describe('openConnection', () => {
  it('refuses a database it cannot reach', async () => {
    for (const url of [
      'postgres://nobody@127.0.0.1:1/db',
      'mysql://nobody@127.0.0.1:1/db',
      'sqlite:/nonexistent/host.db',
    ]) {
      await expect(openConnection(url), url).rejects.toMatchObject({ code: 'LETHE_E_DATABASE_UNREACHABLE' });
    }
  });

  it('refuses a file that is not a database', async () => {
    await expect(openConnection(`sqlite:${import.meta.filename}`)).rejects.toMatchObject({
      code: 'LETHE_E_DATABASE_UNREACHABLE',
    });
  });
});
