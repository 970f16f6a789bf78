import { LetheError } from '../errors/index.js';

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
