import type { z } from 'zod';
import { LetheError } from '../../errors/index.js';

export type InputPart = 'params' | 'query' | 'body';

function describePath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** LETHE_E_INVALID_INPUT (or LETHE_E_STATUS_INVALID for a bad subject status) naming the field. */
export function inputError(part: InputPart, issues: readonly z.core.$ZodIssue[], input: unknown): LetheError {
  const list = issues.slice(0, 20).map((i) => ({
    path: describePath(i.path),
    code: i.code,
    message: i.message,
    ...(i.code === 'unrecognized_keys' ? { keys: i.keys } : {}),
  }));
  const first = issues[0];
  const field = first ? describePath(first.path) : '';
  if (first && first.code === 'unrecognized_keys') {
    const keys = first.keys;
    return new LetheError(
      'LETHE_E_INVALID_INPUT',
      `The ${part} has unknown field${keys.length === 1 ? '' : 's'} ${keys.map((k) => `'${k}'`).join(', ')}.`,
      { in: part, field: keys[0], fields: keys, issues: list },
    );
  }
  if (
    first &&
    field.split('.').at(-1) === 'status' &&
    first.code === 'invalid_value' &&
    isSubjectStatusList(first.values) &&
    typeof valueAt(input, first.path) === 'string'
  ) {
    return new LetheError(
      'LETHE_E_STATUS_INVALID',
      `The ${part}: '${field}' must be active, suspended or deleted.`,
      { in: part, field, issues: list },
    );
  }
  const missing = first?.code === 'invalid_type' && valueAt(input, first.path) === undefined;
  const message = first
    ? field === ''
      ? `The ${part}: ${first.message}.`
      : missing
        ? `The ${part}: field '${field}' is required.`
        : `The ${part}: field '${field}': ${first.message}.`
    : `The ${part} is not valid.`;
  return new LetheError('LETHE_E_INVALID_INPUT', message, { in: part, field, issues: list });
}

/** True when the allowed values are the subject statuses (not, say, a request's statuses). */
function isSubjectStatusList(values: readonly unknown[]): boolean {
  const subjectStatuses = ['active', 'suspended', 'deleted'];
  return values.length === subjectStatuses.length && subjectStatuses.every((s) => values.includes(s));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The path of the first string (or key) holding U+0000, which no store column accepts. */
export function findNul(value: unknown, path: string[] = [], depth = 0): string | undefined {
  if (depth > 64) return undefined;
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], [...path, String(i)], depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, key.replaceAll('\u0000', '\\0')].join('.');
      const found = findNul(inner, [...path, key], depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Validates one part of a request, or throws the error naming the field. */
export function validatePart<S extends z.ZodType>(part: InputPart, schema: S, input: unknown): z.output<S> {
  const nul = findNul(input);
  if (nul !== undefined) {
    throw new LetheError('LETHE_E_INVALID_INPUT', `The ${part}: field '${nul}' contains a NUL character.`, {
      in: part,
      field: nul,
    });
  }
  const result = schema.safeParse(input);
  if (!result.success) throw inputError(part, result.error.issues, input);
  return result.data;
}
