import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { LetheError, messageOf } from '../errors/index.js';
import { type ConfigValues, configSchema } from './config-schema.js';

export interface Config extends ConfigValues {
  /** The folder relative paths resolve against: the config file's, or the working directory. */
  readonly baseDir: string;
  /** The config file read, if any. */
  readonly file: string | undefined;
  /** `files`, resolved to an absolute path. */
  readonly filesDir: string;
}

export interface LoadConfigOptions {
  /** `--config FILE`; without it, `./lethe.config.json` if present. */
  file?: string;
  /** `--store URL`, which beats the file and LETHE_STORE. */
  store?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function describeIssues(error: z.ZodError, source: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      return `${source}: ${path}: ${issue.message}`;
    })
    .join('\n');
}

function numberFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new LetheError('LETHE_E_CONFIG_INVALID', `${name} must be a number, not "${raw}".`, {
      variable: name,
    });
  }
  return value;
}

/** Reads, validates and freezes the configuration, once, at start. A bad value is named in the error. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? env['LETHE_CONFIG'];
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, 'lethe.config.json');
  let raw: Record<string, unknown> = {};
  let used: string | undefined;
  if (existsSync(file)) {
    used = file;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new LetheError('LETHE_E_CONFIG_INVALID', `Cannot read ${file}: ${messageOf(error)}`, { file });
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error('the top level must be an object');
      }
      raw = parsed as Record<string, unknown>;
    } catch (error) {
      throw new LetheError('LETHE_E_CONFIG_INVALID', `${file} is not valid JSON: ${messageOf(error)}`, {
        file,
      });
    }
  } else if (explicit) {
    throw new LetheError('LETHE_E_CONFIG_INVALID', `The config file ${file} does not exist.`, { file });
  }

  const merged: Record<string, unknown> = { ...raw };
  if (env['LETHE_STORE']) merged['store'] = env['LETHE_STORE'];
  if (options.store) merged['store'] = options.store;
  if (env['LETHE_FILES']) merged['files'] = env['LETHE_FILES'];
  const port = numberFromEnv(env, 'PORT');
  if (port !== undefined) merged['server'] = { ...(raw['server'] as object | undefined), port };
  const scan = numberFromEnv(env, 'LETHE_PURGE_SCAN_INTERVAL');
  if (scan !== undefined)
    merged['worker'] = { ...(raw['worker'] as object | undefined), purgeScanInterval: scan };

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    throw new LetheError('LETHE_E_CONFIG_INVALID', describeIssues(result.error, used ?? 'configuration'), {
      file: used,
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const baseDir = used ? dirname(used) : cwd;
  const config: Config = {
    ...result.data,
    baseDir,
    file: used,
    filesDir: resolve(baseDir, result.data.files),
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
