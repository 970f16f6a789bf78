export { type OpenSqliteOptions, SqliteConnection } from './sqlite-connection.js';
export { introspectSqlite } from './sqlite-introspect.js';
