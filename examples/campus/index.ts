export {
  type CampusSubject,
  campusAnonymousUser,
  campusReferenceDate,
  campusSpecialUsers,
  campusSubjects,
  type GenerateCampusOptions,
  type GenerateCampusResult,
  generateCampus,
  helpdeskAddress,
} from './generate.js';
export {
  anonymiseSupportUsers,
  type CampusItemOptions,
  closeItems,
  createItems,
  type SupportAnonymisation,
} from './items/index.js';
export { type CampusTable, campusSchemaSql, campusTables, createCampusSchema } from './schema.js';
