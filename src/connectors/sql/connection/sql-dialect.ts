/** The SQL dialects Lethe's connector speaks. */
export type SqlDialectName = 'sqlite' | 'postgres' | 'mysql';

/** What differs between dialects in the SQL the connector writes. Everything else is shared. */
export interface SqlDialect {
  readonly name: SqlDialectName;
  /** Quotes an identifier that has already been checked against the introspected schema. */
  quote(identifier: string): string;
  /** An expression that turns `expression` into text, so that values of any type can be compared and unioned. */
  castText(expression: string): string;
  /**
   * A text expression made comparable with any other text of the connector: MySQL refuses to compare texts of
   * different collations, so there both sides become utf8mb4 with a binary collation (values are lower-cased first).
   */
  comparable(expression: string): string;
  /** A boolean expression: `text` matches the regular expression `pattern` (both expressions). */
  regexMatch(text: string, pattern: string): string;
  /** The length in bytes of a blob expression. */
  byteLength(expression: string): string;
  /**
   * MySQL and MariaDB refuse a DELETE or UPDATE whose subquery reads the table being changed; wrapping the
   * subquery in a derived table makes the server materialise it first.
   */
  readonly wrapsSelfReference: boolean;
  /**
   * An aggregate that gathers (key, value) pairs into one text, a JSON array `[[key, value], ...]` (NULL or `[]`
   * when there are none), so that a count per subject comes back as one row instead of one row per subject. Left
   * out for MySQL, whose JSON_ARRAYAGG and GROUP_CONCAT stop at group_concat_max_len: there, counts come as rows.
   */
  readonly jsonPairs?: (key: string, value: string) => string;
}

function quoteWith(quote: string, identifier: string): string {
  // Identifiers are validated before they get here; doubling the quote character keeps this safe regardless.
  return quote + identifier.split(quote).join(quote + quote) + quote;
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  quote: (id) => quoteWith('"', id),
  castText: (e) => `CAST(${e} AS TEXT)`,
  comparable: (e) => e,
  regexMatch: (text, pattern) => `${text} REGEXP ${pattern}`,
  byteLength: (e) => `LENGTH(CAST(${e} AS BLOB))`,
  wrapsSelfReference: false,
  jsonPairs: (key, value) => `json_group_array(json_array(${key}, ${value}))`,
};

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  quote: (id) => quoteWith('"', id),
  castText: (e) => `CAST(${e} AS TEXT)`,
  comparable: (e) => e,
  regexMatch: (text, pattern) => `${text} ~ ${pattern}`,
  byteLength: (e) => `OCTET_LENGTH(${e})`,
  wrapsSelfReference: false,
  jsonPairs: (key, value) => `CAST(json_agg(json_build_array(${key}, ${value})) AS TEXT)`,
};

export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  quote: (id) => quoteWith('`', id),
  castText: (e) => `CAST(${e} AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_bin`,
  comparable: (e) => `CAST(${e} AS CHAR CHARACTER SET utf8mb4) COLLATE utf8mb4_bin`,
  regexMatch: (text, pattern) => `${text} REGEXP ${pattern}`,
  byteLength: (e) => `LENGTH(${e})`,
  wrapsSelfReference: true,
};
