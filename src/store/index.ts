export { isConnectionLost } from './connection-lost.js';
export type * from './database.js';
export type { StoreDialect } from './dialect-name.js';
export { idList, type JsonColumn, jsonRows, textList } from './json-rows.js';
export { migrateDown, migrateToLatest, migrationStatus } from './migrate.js';
export { type OpenStoreOptions, openStore, type Store } from './open-store.js';
export { parseStoreUrl, redactStoreUrl } from './store-url.js';
export { isoNow } from './time.js';
