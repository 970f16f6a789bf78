export { checkPurgeItems } from './check-purge-items.js';
export { createExportType } from './create-export-type.js';
export { createPurgeType } from './create-purge-type.js';
export { deleteExportType } from './delete-export-type.js';
export { deletePurgeType } from './delete-purge-type.js';
export { duplicateExportType } from './duplicate-export-type.js';
export { duplicatePurgeType } from './duplicate-purge-type.js';
export type { ExportType } from './export-type.js';
export { type ItemAvailability, itemsForStatus, type ModeAvailability } from './items-for-status.js';
export { exportTypeItems, getExportType, listExportTypes, readExportType } from './list-export-types.js';
export { getPurgeType, listPurgeTypes, purgeTypePlan, readPurgeType } from './list-purge-types.js';
export type { PurgeItem, PurgeType } from './purge-type.js';
export { defaultPurgeTypeSettings, type PurgeTypeUsage } from './purge-type-usage.js';
export { reapplyPurgeType } from './reapply-purge-type.js';
export type { TypeRef } from './type-ref.js';
export type {
  DuplicateOptions,
  ExportTypeInput,
  ExportTypePatch,
  PurgeTypeInput,
  PurgeTypePatch,
} from './type-schemas.js';
export { idnumberPattern } from './type-schemas.js';
export { type TypeNewItems, typesWithNewItems } from './types-with-new-items.js';
export { updateExportType } from './update-export-type.js';
export { updatePurgeType } from './update-purge-type.js';
