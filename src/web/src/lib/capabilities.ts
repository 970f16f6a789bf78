import type { Capability } from '../api/types';

/** Plain-language names of the capabilities, for the roles page and "why not" messages. */
export const capabilityLabels: Record<Capability, string> = {
  'userdata:config': 'Configure',
  'userdata:viewreports': 'View reports',
  'userdata:purgemanual': 'Purge manually',
  'userdata:exportother': "Export others' data",
  'userdata:exportself': 'Export own data',
  'userdata:anonymise': 'Anonymize support users',
  'userdata:audit': 'Read the audit log',
  'userdata:loginas': 'Act as another account',
};
