export * from './file-removals.js';
export * from './item.js';
export { ItemRegistry } from './item-registry.js';
export * from './run-item.js';
