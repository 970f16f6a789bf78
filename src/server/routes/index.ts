import { registerAccountRoutes } from './accounts/account-routes.js';
import { registerAnonymisationRoutes } from './anonymisation/anonymisation-routes.js';
import { registerAuditRoutes } from './audit/audit-routes.js';
import type { Api } from './define-route.js';
import { registerDownloadRoutes } from './downloads/download-routes.js';
import { registerItemRoutes } from './items/item-routes.js';
import { registerMeRoutes } from './me/me-routes.js';
import { registerOutboxRoutes } from './outbox/outbox-routes.js';
import { registerReportRoutes } from './reports/report-routes.js';
import { registerRequestRoutes } from './requests/request-routes.js';
import { registerRoleRoutes } from './roles/role-routes.js';
import { registerSessionRoutes } from './session/session-routes.js';
import { registerSettingsRoutes } from './settings/settings-routes.js';
import { registerSubjectRoutes } from './subjects/subject-routes.js';
import { registerSystemRoutes } from './system/system-routes.js';
import { registerTokenRoutes } from './tokens/token-routes.js';
import { registerTypeRoutes } from './types/type-routes.js';

export { type Api, createApi, type RouteContext, type RouteSpec, type Sent, sent } from './define-route.js';

/** Every feature's routes. */
export function registerRoutes(api: Api): void {
  registerSystemRoutes(api);
  registerSessionRoutes(api);
  registerAccountRoutes(api);
  registerRoleRoutes(api);
  registerTokenRoutes(api);
  registerItemRoutes(api);
  registerSubjectRoutes(api);
  registerTypeRoutes(api);
  registerSettingsRoutes(api);
  registerRequestRoutes(api);
  registerAnonymisationRoutes(api);
  registerReportRoutes(api);
  registerOutboxRoutes(api);
  registerMeRoutes(api);
  registerDownloadRoutes(api);
  registerAuditRoutes(api);
}
