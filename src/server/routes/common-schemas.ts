import { z } from 'zod';

/** The largest id the store's integer columns hold. */
export const maxId = 2_147_483_647;

/** A numeric id in a path or query (both arrive as text). */
export const idString = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive whole number')
  .transform(Number)
  .pipe(z.number().int().min(1).max(maxId));

export const idParams = z.strictObject({ id: idString });

/** A whole number in a query string. */
export function queryInt(min: number, max: number) {
  return z
    .string()
    .regex(/^-?[0-9]{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** `true` or `false` in a query string. */
export const queryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** An ISO-8601 date in a query string or body. */
export const isoDate = z
  .string()
  .max(40)
  .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v)), 'must be an ISO-8601 date')
  .transform((v) => new Date(v).toISOString());

export const paging = {
  limit: queryInt(1, 500).optional(),
  offset: queryInt(0, 1_000_000_000).optional(),
};

export const noContent = z.null().describe('No content.');
