import { LetheError } from '../errors/index.js';
import { type SubjectStatus, subjectStatuses } from '../items/index.js';

/** Parses an integer CLI option, naming the option when the value is not one. */
export function intOption(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new LetheError(
        'LETHE_E_INVALID_INPUT',
        `${name} must be a whole number from ${min} to ${max}, not "${raw}".`,
        {
          option: name,
        },
      );
    }
    return value;
  };
}

/** Splits a comma-separated list, dropping blanks. */
export function listOption(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Parses a subject status, naming the value and the statuses there are. */
export function statusOption(raw: string): SubjectStatus {
  if (!(subjectStatuses as readonly string[]).includes(raw)) {
    throw new LetheError(
      'LETHE_E_STATUS_INVALID',
      `"${raw}" is not a subject status: use ${subjectStatuses.join(', ')}.`,
      {
        status: raw,
      },
    );
  }
  return raw as SubjectStatus;
}

/** Parses an option that takes one of a fixed list of values, naming the option and the list. */
export function oneOf<T extends string>(option: string, values: readonly T[]) {
  return (raw: string): T => {
    if (!(values as readonly string[]).includes(raw)) {
      throw new LetheError(
        'LETHE_E_INVALID_INPUT',
        `${option} is one of ${values.join(', ')}, not "${raw}".`,
        {
          option,
        },
      );
    }
    return raw as T;
  };
}
