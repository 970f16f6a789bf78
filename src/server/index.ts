export { createServer } from './app/create-server.js';
export type { ServerOptions } from './app/server-options.js';
export { type RunningServer, type StartServerOptions, startServer } from './app/start-server.js';
export type { Principal } from './auth/principal.js';
export { buildOpenApiDocument, type OpenApiDocument } from './openapi/build-document.js';
export type { DocumentedRoute } from './openapi/route-registry.js';
export type { Access } from './roles/access.js';
