import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAnonymiseCommand } from '../../src/cli/commands/anonymise-command.js';
import { registerDataCommand } from '../../src/cli/commands/data-command.js';
import { registerEraseCommand } from '../../src/cli/commands/erase-command.js';
import { registerMentionsCommand } from '../../src/cli/commands/mentions-command.js';
import { loadConfig } from '../../src/config/index.js';
import type { PersonalDataSummary } from '../../src/engine/anonymisation/index.js';
import { openEngine } from '../../src/engine/open-engine.js';
import { repoRoot } from '../support/cli.js';
import { CampusFixture } from './campus-fixture.js';

/** Runs one `lethe` command in this process, the way main.ts would once the lead registers it. */
async function lethe(
  configFile: string,
  args: string[],
): Promise<{ code: number; stdout: string; json<T>(): T }> {
  const program = new Command('lethe')
    .option('--config <file>')
    .option('--store <url>')
    .option('--json')
    .exitOverride();
  registerDataCommand(program);
  registerEraseCommand(program);
  registerAnonymiseCommand(program);
  registerMentionsCommand(program);
  let stdout = '';
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await program.parseAsync(['node', 'lethe', '--config', configFile, ...args]);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout, json: <T>() => JSON.parse(stdout) as T };
}

describe('the anonymisation commands', () => {
  let f: CampusFixture;
  let configFile: string;
  let sam: number;
  let ann: number;

  beforeAll(async () => {
    f = new CampusFixture();
    sam = f.person({
      username: 'sam',
      email: 'sam@acme.example',
      first: 'Sam',
      last: 'S',
      kind: 'support',
      company: 'Acme',
    });
    ann = f.person({
      username: 'alee',
      email: 'ann@mail.example',
      first: 'Ann',
      last: 'Lee',
      kind: 'learner',
      status: 'suspended',
    });
    const bob = f.person({
      username: 'bob',
      email: 'bob@mail.example',
      first: 'Bob',
      last: 'B',
      kind: 'learner',
    });
    const issue = f.issue(sam, 'Acme', 'Help');
    f.email({
      issue,
      kind: 'incoming',
      from: sam,
      to: ['helpdesk@campus.example'],
      subject: 'Help',
      body: 'Please.',
    });
    f.blogPost(ann, 'Mine', 'My post.');
    f.message(bob, bob, 'Ann Lee said hi.');
    configFile = join(dirname(f.path), 'lethe.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        store: 'sqlite:lethe.db',
        items: [
          {
            module: resolve(repoRoot, 'examples/campus/items/index.ts'),
            options: { database: `sqlite:${f.path}` },
          },
        ],
      }),
    );
    const opened = await openEngine(loadConfig({ file: configFile, env: {} }));
    try {
      const { store } = opened.engine;
      await f.engine(store);
    } finally {
      await opened.close();
    }
  });
  afterAll(() => f.close());

  it('`lethe data` prints the summary, as JSON with --json', async () => {
    const text = await lethe(configFile, ['data', String(ann)]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('blog/posts');
    const json = (await lethe(configFile, ['--json', 'data', String(ann)])).json<PersonalDataSummary>();
    const blog = json.components.find((c) => c.component === 'blog');
    expect(blog?.items[0]).toMatchObject({ key: 'blog/posts', count: 1, state: 'pending' });
    expect((await lethe(configFile, ['data', 'nobody'])).code).toBe(2);
  });

  it('`lethe erase --items blog --mode anonymise --wait` runs the request and prints its results', async () => {
    const run = await lethe(configFile, [
      'erase',
      String(ann),
      '--items',
      'blog',
      '--mode',
      'anonymise',
      '--wait',
    ]);
    expect(run.stdout).toMatch(/blog\/posts\s+anonymise\s+success\s+1/);
    expect(run.code).toBe(0);
    const json = (await lethe(configFile, ['--json', 'data', String(ann)])).json<PersonalDataSummary>();
    expect(json.components.find((c) => c.component === 'blog')?.items[0]).toMatchObject({
      count: 0,
      state: 'done',
    });
    expect(f.db.prepare('SELECT author_name FROM blog_posts').all()).toEqual([{ author_name: 'Anonymous' }]);
    const refused = await lethe(configFile, ['erase', String(sam), '--items', 'blog', '--mode', 'anonymise']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('LETHE_E_SUBJECT_ACTIVE');
  });

  it('`lethe anonymise` needs --confirm, then anonymises with --wait', async () => {
    const refused = await lethe(configFile, ['anonymise', String(sam)]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('LETHE_E_CONFIRM_REQUIRED');
    const run = await lethe(configFile, ['--json', 'anonymise', String(sam), '--confirm', '--wait']);
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      results: [{ subjectId: String(sam), outcome: 'queued', request: { status: 'succeeded' } }],
      subjects: [{ id: String(sam), fullName: 'Anonymized', email: '', status: 'suspended' }],
    });
    expect(f.db.prepare('SELECT firstname, company, status FROM users WHERE id = ?').get(sam)).toEqual({
      firstname: 'Anonymized',
      company: 'Acme',
      status: 'suspended',
    });
    const again = await lethe(configFile, ['--json', 'anonymise', String(sam), '--confirm']);
    expect(again.json()).toMatchObject({ results: [{ outcome: 'already-anonymised' }] });
  });

  it('`lethe mentions --redact-mentions` reports and redacts', async () => {
    const found = await lethe(configFile, ['--json', 'mentions', String(ann)]);
    expect(found.json()).toMatchObject({ total: 1, hits: [{ item: 'messages/sent', field: 'body' }] });
    const redacted = await lethe(configFile, ['mentions', String(ann), '--redact-mentions']);
    expect(redacted.code).toBe(0);
    expect(redacted.stdout).toContain('Redacted 1 mention.');
    expect(f.db.prepare('SELECT body FROM messages').all()).toEqual([{ body: '[redacted] said hi.' }]);
  });
});
