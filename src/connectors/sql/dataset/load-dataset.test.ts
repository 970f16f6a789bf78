import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, parseDataset } from './index.js';

const base = `database: sqlite:host.db
subjects:
  table: users
  id: id
  email: email
components:
  forum:
    group: "Activity: Forum"
    items:
      posts:
        table: forum_posts
        via: author_id
`;

/** `${NAME}` as the dataset file spells an environment variable. */
const env = (expression: string) => '$' + `{${expression}}`;

function parse(text: string, env: NodeJS.ProcessEnv = {}) {
  return parseDataset(text, { file: '/data/set.yaml', baseDir: '/data', env });
}

function problemsOf(text: string): Array<{ path: string; message: string; line?: number }> {
  try {
    parse(text);
  } catch (error) {
    expect(error).toMatchObject({ code: 'LETHE_E_DATASET_INVALID' });
    return (error as { details: { problems: Array<{ path: string; message: string; line?: number }> } })
      .details.problems;
  }
  throw new Error('expected the dataset to be refused');
}

describe('parseDataset', () => {
  it('reads every kind of link, strategy, mode and file', () => {
    const dataset = parse(`${base}      emails:
        title: Helpdesk emails
        help: Emails about the subject's issues.
        table: helpdesk_emails
        via:
          - path: ["issue_id -> helpdesk_issues", reporter_id]
          - path: ["issue_id -> helpdesk_issues.id", "assignee_id"]
          - { text: to_address }
          - { text: body, match: contains }
          - { column: sender_id }
        export: [id, subject]
        anonymise:
          statuses: [deleted]
          columns:
            to_address: hash
            body: { fixed: "[removed]" }
            cc: null
            bcc: "null"
            subject: blank
            sender_id: anonymous-user
            issue_id: keep
        delete: { statuses: [suspended, deleted] }
        files: { blob: content, name: filename }
`);
    expect(dataset.database).toBe('sqlite:/data/host.db');
    const emails = dataset.items[1];
    expect(emails).toMatchObject({
      component: 'forum',
      name: 'emails',
      group: 'Activity: Forum',
      title: 'Helpdesk emails',
      table: 'helpdesk_emails',
      export: ['id', 'subject'],
      modes: { anonymise: { statuses: ['deleted'] }, delete: { statuses: ['suspended', 'deleted'] } },
      files: { blob: 'content', name: 'filename', root: '/data' },
    });
    expect(emails?.links.map((l) => l.kind)).toEqual(['path', 'path', 'text', 'text', 'column']);
    expect(emails?.links[0]).toMatchObject({
      hops: [{ column: 'issue_id', table: 'helpdesk_issues' }],
      column: 'reporter_id',
    });
    expect(emails?.links[1]).toMatchObject({
      hops: [{ column: 'issue_id', table: 'helpdesk_issues', to: 'id' }],
    });
    expect(emails?.links[2]).toMatchObject({ match: 'equals' });
    expect(emails?.strategies.map((s) => s.strategy)).toEqual([
      { kind: 'hash' },
      { kind: 'fixed', value: '[removed]' },
      { kind: 'null' },
      { kind: 'null' },
      { kind: 'blank' },
      { kind: 'anonymous-user' },
      { kind: 'keep' },
    ]);
    expect(dataset.items[0]).toMatchObject({ title: 'Posts', export: 'all', modes: {}, strategies: [] });
    expect(dataset.lineOf(['components', 'forum', 'items', 'emails', 'via', 3])).toBe(21);
  });

  it('defaults the statuses: anonymise when suspended or deleted, delete when deleted', () => {
    const dataset = parse(`${base}        anonymise: { columns: { body: blank } }\n        delete: true\n`);
    expect(dataset.items[0]?.modes).toEqual({
      anonymise: { statuses: ['suspended', 'deleted'] },
      delete: { statuses: ['deleted'] },
    });
  });

  it('prefers the --db override and reads environment variables', () => {
    expect(
      parseDataset(base, { file: 'f', baseDir: '/d', databaseOverride: 'postgres://h/db' }).database,
    ).toBe('postgres://h/db');
    const text = base.replace('sqlite:host.db', `"${env('HOST_DB')}"`);
    expect(parse(text, { HOST_DB: 'mysql://u@h/app' }).database).toBe('mysql://u@h/app');
    const withDefault = base
      .replace('sqlite:host.db', `"${env('HOST_DB:-sqlite:fallback.db')}"`)
      .replace('components:', `files: { root: "${env('FILES:-store')}" }\ncomponents:`)
      .replace(
        'via: author_id',
        `via: author_id\n        files: { path: p, root: "${env('ITEM_FILES')}/x" }`,
      );
    const loaded = parse(withDefault, { ITEM_FILES: '/srv/files' });
    expect(loaded.database).toBe('sqlite:/data/fallback.db');
    expect(loaded.items[0]?.files?.root).toBe('/srv/files/x');
    expect(parse(withDefault.replace(`, root: "${env('ITEM_FILES')}/x"`, ''), {}).items[0]?.files?.root).toBe(
      '/data/store',
    );
    expect(problemsOf(text)).toEqual([
      { path: 'database', line: 1, message: 'the environment variable HOST_DB is not set' },
    ]);
  });

  it('refuses malformed YAML with the line', () => {
    expect(problemsOf(`${base}        via: [a, b\n`)[0]).toMatchObject({
      path: '(yaml)',
      line: expect.any(Number),
    });
    expect(problemsOf('subjects: {table: users\n')[0]?.path).toBe('(yaml)');
    expect(problemsOf(`${base}        table: again\n`)[0]).toMatchObject({
      message: expect.stringMatching(/unique/i),
      line: 13,
    });
    expect(problemsOf('')[0]).toMatchObject({ message: 'the file is empty' });
  });

  it('refuses an unknown key, naming it and its line', () => {
    expect(problemsOf(`${base}        deleet: true\n`)).toEqual([
      { path: 'components.forum.items.posts', line: 13, message: 'unknown key "deleet"' },
    ]);
    expect(problemsOf(base.replace('  email: email', '  mail: email'))).toEqual([
      { path: 'subjects', line: 5, message: 'unknown key "mail"' },
    ]);
  });

  it('refuses identifiers that are not plain names, wherever they are', () => {
    const problems = problemsOf(
      base
        .replace('table: forum_posts', 'table: "forum_posts; DROP TABLE users"')
        .replace('via: author_id', 'via: { path: ["issue_id -> issues\\" --", "reporter_id"] }'),
    );
    expect(problems).toEqual([
      {
        path: 'components.forum.items.posts.table',
        line: 11,
        message: 'must be a plain SQL identifier: letters, digits and "_", not starting with a digit',
      },
    ]);
    expect(
      problemsOf(
        base.replace('via: author_id', 'via: { path: ["issue_id -> issues\\" --", "reporter_id"] }'),
      ),
    ).toEqual([
      {
        path: 'components.forum.items.posts.via.path.0',
        line: 12,
        message: expect.stringMatching(/is not a hop: write "column -> table"/),
      },
    ]);
    expect(problemsOf(`${base}        anonymise: { columns: { "body = 1 --": blank } }\n`)[0]).toMatchObject({
      path: 'components.forum.items.posts.anonymise.columns.body = 1 --',
      message: expect.stringMatching(/^key must be a plain SQL identifier/),
    });
  });

  it('refuses a cycle in a path', () => {
    expect(
      problemsOf(
        base.replace('via: author_id', 'via: { path: ["a_id -> b", "c_id -> forum_posts", "author_id"] }'),
      ),
    ).toEqual([
      {
        path: 'components.forum.items.posts.via.path.1',
        line: 12,
        message: 'the path comes back to table "forum_posts": a path must not contain a cycle',
      },
    ]);
  });

  it('explains a link or strategy of the wrong shape', () => {
    expect(problemsOf(base.replace('via: author_id', 'via: { columns: author_id }'))).toContainEqual({
      path: 'components.forum.items.posts.via',
      line: 12,
      message: 'unknown key "columns"',
    });
    expect(problemsOf(base.replace('via: author_id', 'via: 42'))).toEqual([
      {
        path: 'components.forum.items.posts.via',
        line: 12,
        message: 'expected a column name, or { column }, { path } or { text, match }',
      },
    ]);
    expect(problemsOf(`${base}        anonymise: { columns: { body: scramble } }\n`)[0]).toMatchObject({
      path: 'components.forum.items.posts.anonymise.columns.body',
      message: 'expected null, blank, hash, anonymous-user, keep or { fixed: VALUE }',
    });
    expect(problemsOf(`${base}        files: { name: n }\n`)[0]?.message).toMatch(
      /give path .* blob .* or both/,
    );
    expect(
      problemsOf(base.replace('sqlite:host.db', 'x').replace(/components:[\s\S]*/, 'components: {}\n'))[0],
    ).toMatchObject({
      path: 'components',
      message: 'declares no items',
    });
  });

  it('names a file it cannot read', () => {
    expect(() => loadDataset('/nonexistent/dataset.yaml')).toThrow(
      expect.objectContaining({ code: 'LETHE_E_DATASET_INVALID' }),
    );
  });

  it('loads a file, resolving a relative SQLite path against its folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lethe-ds-'));
    writeFileSync(join(dir, 'dataset.yaml'), base);
    const dataset = loadDataset(join(dir, 'dataset.yaml'), { hashKey: 'k'.repeat(16) });
    expect(dataset.database).toBe(`sqlite:${join(dir, 'host.db')}`);
    expect(dataset.hashKey).toBe('k'.repeat(16));
    expect(dataset.file).toBe(join(dir, 'dataset.yaml'));
  });
});
