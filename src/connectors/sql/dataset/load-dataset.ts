import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { LetheError, messageOf } from '../../../errors/index.js';
import type { SubjectStatus } from '../../../items/index.js';
import {
  type Dataset,
  type DatasetPath,
  type FilesSpec,
  formatPath,
  type Hop,
  type ItemSpec,
  type LinkSpec,
  type Strategy,
  type SubjectsSpec,
} from './dataset.js';
import { type DatasetProblem, formatProblems } from './dataset-problem.js';
import {
  type DatasetFile,
  type DatasetFileItem,
  datasetFileSchema,
  hopPattern,
  identifierPattern,
} from './dataset-schema.js';
import { lineIn } from './yaml-positions.js';

export interface LoadDatasetOptions {
  /** Use this database URL instead of the file's `database` (`--db`). Relative SQLite paths resolve against cwd. */
  databaseOverride?: string;
  /** The key for `hash` anonymisation (the configuration's `hashKey`). */
  hashKey?: string;
  /** Where `${VAR}` in `database` is read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface ParseDatasetOptions extends LoadDatasetOptions {
  /** The name used in messages. */
  file: string;
  /** The folder relative paths resolve against. */
  baseDir: string;
}

type Issue = z.core.$ZodIssue;
type Path = Array<string | number>;

interface Located {
  path: Path;
  key?: string;
  message: string;
}

/** Zod reports every branch of a failed union; keep the branch that got furthest with the input. */
function flattenIssues(issues: readonly Issue[], base: Path = []): Located[] {
  const out: Located[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as Path)];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const score = (branch: readonly Issue[]) =>
        branch.reduce((n, i) => n + (i.code === 'invalid_type' && i.path.length === 0 ? 100 : 1), 0);
      const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0] ?? [];
      if (score(best) >= 100) out.push({ path, message: describeUnion(path) });
      else out.push(...flattenIssues(best, path));
    } else if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path, key, message: `unknown key "${key}"` });
    } else if (issue.code === 'invalid_key') {
      out.push(...flattenIssues(issue.issues, path).map((l) => ({ ...l, message: `key ${l.message}` })));
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

function describeUnion(path: Path): string {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (last === 'via' || parent === 'via')
    return 'expected a column name, or { column }, { path } or { text, match }';
  if (parent === 'columns') return 'expected null, blank, hash, anonymous-user, keep or { fixed: VALUE }';
  return 'has a value of the wrong type';
}

/** Replaces `${VAR}` (and `${VAR:-default}`) with the environment's value. */
function expandEnv(value: string, env: NodeJS.ProcessEnv, problem: (message: string) => void): string {
  return value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_, name: string, fallback?: string) => {
      const found = env[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      problem(`the environment variable ${name} is not set`);
      return '';
    },
  );
}

function toStrategy(value: unknown): Strategy {
  if (value === null || value === 'null') return { kind: 'null' };
  if (typeof value === 'object' && value !== null && 'fixed' in value) {
    return { kind: 'fixed', value: (value as { fixed: string | number | boolean }).fixed };
  }
  return { kind: value as 'blank' | 'hash' | 'anonymous-user' | 'keep' };
}

/** Parses a dataset file's text. Problems throw `LETHE_E_DATASET_INVALID` naming the file, line and problem. */
export function parseDataset(text: string, options: ParseDatasetOptions): Dataset {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  const lineOf = (path: DatasetPath, key?: string) => lineIn(doc, counter, path, key);
  const fail = (problems: DatasetProblem[]): never => {
    throw new LetheError('LETHE_E_DATASET_INVALID', formatProblems(options.file, problems), {
      file: options.file,
      problems,
    });
  };
  if (doc.errors.length > 0) {
    fail(
      doc.errors.map((e) => ({
        path: '(yaml)',
        message: (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''),
        ...(e.linePos?.[0] ? { line: e.linePos[0].line } : {}),
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    fail([{ path: '(yaml)', message: messageOf(error) }]);
  }
  if (raw === null || raw === undefined) fail([{ path: '(top level)', message: 'the file is empty' }]);
  const parsed = datasetFileSchema.safeParse(raw);
  if (!parsed.success) {
    fail(
      flattenIssues(parsed.error.issues).map((l) => {
        const line = lineOf(l.path, l.key);
        return { path: formatPath(l.path), message: l.message, ...(line !== undefined ? { line } : {}) };
      }),
    );
  }
  const file = (parsed as { data: DatasetFile }).data;
  const problems: DatasetProblem[] = [];
  const problem = (path: DatasetPath, message: string) => {
    const line = lineOf(path);
    problems.push({ path: formatPath(path), message, ...(line !== undefined ? { line } : {}) });
  };

  const env = options.env ?? process.env;
  let database = '';
  if (options.databaseOverride) database = options.databaseOverride;
  else if (file.database) {
    database = expandEnv(file.database, env, (m) => problem(['database'], m));
    // A relative SQLite path in the file is relative to the file.
    if (database.startsWith('sqlite:') && !database.startsWith('sqlite::memory:')) {
      const path = database.slice('sqlite:'.length);
      if (path !== '' && !path.startsWith('/')) database = `sqlite:${resolve(options.baseDir, path)}`;
    }
  } else problem(['database'], 'no database: give a database URL in the file or with --db');

  const subjects = subjectsOf(file);
  const expandRoot = (root: string, path: DatasetPath) =>
    resolve(
      options.baseDir,
      expandEnv(root, env, (m) => problem(path, m)),
    );
  const filesRoot = file.files ? expandRoot(file.files.root, ['files', 'root']) : options.baseDir;
  const items: ItemSpec[] = [];
  for (const [component, spec] of Object.entries(file.components)) {
    const group = spec.group ?? titleOf(component);
    for (const [name, item] of Object.entries(spec.items)) {
      const at: Path = ['components', component, 'items', name];
      const root = item.files?.root ? expandRoot(item.files.root, [...at, 'files', 'root']) : filesRoot;
      items.push(itemOf(component, name, group, item, at, root, problem));
    }
  }
  if (items.length === 0) problem(['components'], 'declares no items');
  if (problems.length > 0) fail(problems);
  return {
    file: options.file,
    database,
    baseDir: options.baseDir,
    ...(options.hashKey ? { hashKey: options.hashKey } : {}),
    subjects,
    items,
    ignore: new Map(Object.entries(file.ignore ?? {})),
    lineOf: (path) => lineOf(path),
  };
}

function titleOf(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function subjectsOf(file: DatasetFile): SubjectsSpec {
  const s = file.subjects;
  const status =
    s.status === undefined
      ? undefined
      : typeof s.status === 'string'
        ? { column: s.status }
        : { column: s.status.column, map: s.status.map as Record<string, SubjectStatus> };
  return {
    table: s.table,
    id: s.id,
    ...(s.username ? { username: s.username } : {}),
    ...(s.email ? { email: s.email } : {}),
    ...(s.fullName ? { fullName: typeof s.fullName === 'string' ? [s.fullName] : s.fullName } : {}),
    ...(status ? { status } : {}),
    ...(s.kind ? { kind: s.kind } : {}),
  };
}

function itemOf(
  component: string,
  name: string,
  group: string,
  item: DatasetFileItem,
  at: Path,
  filesRoot: string,
  problem: (path: DatasetPath, message: string) => void,
): ItemSpec {
  const vias = Array.isArray(item.via) ? item.via : [item.via];
  const viaAt = (i: number): Path => (Array.isArray(item.via) ? [...at, 'via', i] : [...at, 'via']);
  const links: LinkSpec[] = [];
  vias.forEach((via, i) => {
    const linkAt = viaAt(i);
    if (typeof via === 'string') links.push({ kind: 'column', column: via, at: linkAt });
    else if ('column' in via) links.push({ kind: 'column', column: via.column, at: linkAt });
    else if ('text' in via)
      links.push({ kind: 'text', column: via.text, match: via.match ?? 'equals', at: linkAt });
    else {
      const hops: Hop[] = [];
      const steps = via.path;
      let ok = true;
      steps.slice(0, -1).forEach((step, j) => {
        const m = hopPattern.exec(step);
        if (!m) {
          ok = false;
          problem(
            [...linkAt, 'path', j],
            `"${step}" is not a hop: write "column -> table" or "column -> table.column" (plain identifiers)`,
          );
          return;
        }
        hops.push({ column: m[1] ?? '', table: m[2] ?? '', ...(m[3] ? { to: m[3] } : {}) });
      });
      const last = (steps[steps.length - 1] ?? '').trim();
      if (!identifierPattern.test(last)) {
        ok = false;
        problem(
          [...linkAt, 'path', steps.length - 1],
          `"${last}" must be the plain name of the column that holds the subject id`,
        );
      }
      if (ok) {
        const seen = [item.table];
        hops.forEach((hop, j) => {
          if (seen.includes(hop.table)) {
            problem(
              [...linkAt, 'path', j],
              `the path comes back to table "${hop.table}": a path must not contain a cycle`,
            );
          }
          seen.push(hop.table);
        });
        links.push({ kind: 'path', hops, column: last, at: linkAt });
      }
    }
  });
  const modes: ItemSpec['modes'] = {};
  const strategies: ItemSpec['strategies'] = [];
  if (item.anonymise) {
    modes.anonymise = { statuses: item.anonymise.statuses ?? ['suspended', 'deleted'] };
    for (const [column, value] of Object.entries(item.anonymise.columns)) {
      strategies.push({ column, strategy: toStrategy(value) });
    }
    if (strategies.length === 0) problem([...at, 'anonymise', 'columns'], 'names no column to anonymise');
  }
  if (item.delete) {
    modes.delete = { statuses: (item.delete === true ? undefined : item.delete.statuses) ?? ['deleted'] };
  }
  let files: FilesSpec | undefined;
  if (item.files) {
    const f = item.files;
    if (f.path === undefined && f.blob === undefined) {
      problem(
        [...at, 'files'],
        'give path (a column holding a file path), blob (a column holding the content), or both',
      );
    } else {
      files = {
        root: filesRoot,
        ...(f.path ? { path: f.path } : {}),
        ...(f.blob ? { blob: f.blob } : {}),
        ...(f.name ? { name: f.name } : {}),
      };
    }
  }
  const key = item.key === undefined ? undefined : typeof item.key === 'string' ? [item.key] : item.key;
  return {
    component,
    name,
    group,
    title: item.title ?? titleOf(name),
    help: item.help ?? '',
    table: item.table,
    ...(key ? { key } : {}),
    links,
    export: item.export ?? 'all',
    modes,
    strategies,
    ...(files ? { files } : {}),
    where: Object.entries(item.where ?? {}).map(([column, v]) => ({
      column,
      values: Array.isArray(v) ? v : [v],
    })),
    at,
  };
}

/** Reads and validates a dataset file. Problems throw `LETHE_E_DATASET_INVALID` with the file, line and problem. */
export function loadDataset(file: string, options: LoadDatasetOptions = {}): Dataset {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new LetheError(
      'LETHE_E_DATASET_INVALID',
      `Cannot read the dataset file ${path}: ${messageOf(error)}`,
      {
        file: path,
      },
    );
  }
  return parseDataset(text, { ...options, file: path, baseDir: dirname(path) });
}

/** A short label for a dataset, for messages. */
export function datasetLabel(dataset: Dataset): string {
  return basename(dataset.file);
}
