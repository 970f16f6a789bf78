import type { SqlValue } from '../connection/index.js';

/** A piece of SQL with `?` placeholders and the values bound to them, in order. */
export interface Statement {
  sql: string;
  params: SqlValue[];
}

export function stmt(sql: string, params: SqlValue[] = []): Statement {
  return { sql, params };
}

/** Joins statements with a separator, keeping their parameters in order. */
export function joinStatements(parts: readonly Statement[], separator: string): Statement {
  return { sql: parts.map((p) => p.sql).join(separator), params: parts.flatMap((p) => p.params) };
}

/** `?, ?, ?` for a list of values. */
export function placeholders(count: number): string {
  return new Array(count).fill('?').join(', ');
}

/**
 * How many values one statement binds at most: under SQLite's 32,766 and PostgreSQL's 65,535 (MySQL binds on the
 * client, with no such limit).
 */
export const maxParams = 30_000;
