export {
  type Dashboard,
  type DashboardDuePurge,
  type DashboardFailedItem,
  type DashboardOpenRequest,
  type DashboardPoint,
  dashboardListLimit,
  dashboardReport,
} from './dashboard.js';
export {
  type DeletedSubjectReportRow,
  deletedSubjectsReport,
} from './deleted-subjects-report.js';
export { type ExportReportRow, exportsReport } from './exports-report.js';
export { type PurgeItemReport, type PurgeReportRow, purgesReport } from './purges-report.js';
export { csvField, csvRecord } from './report-csv.js';
export {
  type DeletedPurgeState,
  type DeletedSortColumn,
  defaultReportLimit,
  deletedPurgeStates,
  type ExportsSortColumn,
  maxReportLimit,
  type ParsedReportQuery,
  type PurgesSortColumn,
  parseReportQuery,
  type ReportKind,
  type ReportQuery,
  type ReportSort,
  reportDefaultSort,
  reportKinds,
  reportOrigins,
  reportSortColumns,
} from './report-query.js';
export type { ReportPage } from './report-source.js';
export type { RequestReportRow } from './request-report.js';
export {
  openReportStream,
  type ReportFormat,
  reportFormats,
  reportStreamPageSize,
  type StreamReportOptions,
  streamReport,
} from './stream-report.js';
