import { LetheError } from '../../errors/index.js';

/** Refuses automatic use for a type for active subjects: only suspended and deleted subjects are purged automatically. */
export function checkAutomatic(idnumber: string, status: string, allowAutomatic: boolean): void {
  if (allowAutomatic && status === 'active') {
    throw new LetheError(
      'LETHE_E_TYPE_AUTOMATIC_ACTIVE',
      `Purge type "${idnumber}" is for active subjects, so it can't allow automatic use.`,
      { type: idnumber, status },
    );
  }
}
