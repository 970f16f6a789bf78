export { type ConfigInput, type ConfigValues, configSchema, type ItemSourceConfig } from './config-schema.js';
export { type Config, type LoadConfigOptions, loadConfig } from './load-config.js';
