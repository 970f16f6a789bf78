export type { AuditEvent, AuditEventInput } from './audit-event.js';
export { type AuditQuery, listAudit } from './list-audit.js';
export { recordAudit } from './record-audit.js';
export { auditEachLimit, recordAuditEach } from './record-audit-each.js';
export { type AuditProblem, type AuditVerification, verifyAudit } from './verify-audit.js';
