import { type RawBuilder, sql } from 'kysely';
import type { StoreDialect } from './dialect-name.js';

/** A column of a table bound as JSON: its name and the SQL type its values are read as. */
export interface JsonColumn {
  name: string;
  type: 'integer' | 'text';
}

function checkName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a column name: ${name}`);
  return name;
}

/**
 * A derived table made from rows bound as ONE JSON parameter (`(select ... from json_each(?))` on SQLite,
 * `jsonb_array_elements` on PostgreSQL): each row an array of values in `columns` order. However many rows there
 * are, the statement has one parameter, so it compiles and binds in constant time and needs no chunking.
 * Use it as `from ${jsonRows(...)} as v`.
 */
export function jsonRows(
  dialect: StoreDialect,
  columns: readonly JsonColumn[],
  rows: readonly (readonly (string | number | null)[])[],
): RawBuilder<unknown> {
  const json = JSON.stringify(rows);
  if (dialect === 'postgres') {
    const list = sql.join(
      columns.map((c, i) =>
        sql.raw(
          `cast(j.value->>${i} as ${c.type === 'integer' ? 'bigint' : 'text'}) as ${checkName(c.name)}`,
        ),
      ),
    );
    return sql`(select ${list} from jsonb_array_elements(cast(${json} as jsonb)) as j(value))`;
  }
  const list = sql.join(
    columns.map((c, i) => sql.raw(`json_extract(j.value, '$[${i}]') as ${checkName(c.name)}`)),
  );
  return sql`(select ${list} from json_each(${json}) as j)`;
}

/**
 * `(select ...)`: a list of ids bound as one parameter, for `where id in ${idList(...)}`. No chunking is needed,
 * whatever the number of ids.
 */
export function idList(dialect: StoreDialect, ids: readonly number[]): RawBuilder<number> {
  const json = JSON.stringify(ids);
  if (dialect === 'postgres') {
    return sql<number>`(select cast(j.value as bigint) from jsonb_array_elements_text(cast(${json} as jsonb)) as j(value))`;
  }
  return sql<number>`(select j.value from json_each(${json}) as j)`;
}

/** `(select ...)`: a list of strings bound as one parameter, for `where id in ${textList(...)}`. */
export function textList(dialect: StoreDialect, values: readonly string[]): RawBuilder<string> {
  const json = JSON.stringify(values);
  if (dialect === 'postgres') {
    return sql<string>`(select j.value from jsonb_array_elements_text(cast(${json} as jsonb)) as j(value))`;
  }
  return sql<string>`(select j.value from json_each(${json}) as j)`;
}
