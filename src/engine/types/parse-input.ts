import type { z } from 'zod';
import { LetheError } from '../../errors/index.js';

function describePath(path: readonly PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join('.') : '(input)';
}

/**
 * Validates input with a zod schema. A bad `status` becomes LETHE_E_STATUS_INVALID; anything else becomes
 * LETHE_E_INVALID_INPUT, with every field named in the message.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const given =
    typeof input === 'object' && input !== null ? (input as Record<string, unknown>)['status'] : undefined;
  if (given !== undefined && issues.some((i) => i.path.length === 1 && i.path[0] === 'status')) {
    throw new LetheError(
      'LETHE_E_STATUS_INVALID',
      `${what}: "${String(given)}" is not a subject status: use active, suspended or deleted.`,
      { field: 'status', value: given },
    );
  }
  throw new LetheError(
    'LETHE_E_INVALID_INPUT',
    `${what}: ${issues.map((i) => `${describePath(i.path)}: ${i.message}`).join('; ')}`,
    { issues: issues.map((i) => ({ path: describePath(i.path), message: i.message })) },
  );
}
