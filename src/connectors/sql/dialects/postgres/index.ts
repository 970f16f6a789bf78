export { numberPlaceholders, type OpenPostgresOptions, PostgresConnection } from './postgres-connection.js';
export { introspectPostgres } from './postgres-introspect.js';
