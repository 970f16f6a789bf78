import { ApiError } from '../api/client';

/**
 * Which form field an API error concerns: the field it names (`details.field`, its first segment, or a setting's
 * `details.key`), or the field
 * a code is known to concern (such as LETHE_E_TYPE_DUPLICATE → idnumber).
 */
export function errorField(error: unknown, codeFields: Record<string, string> = {}): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const byCode = codeFields[error.code];
  if (byCode) return byCode;
  const key = error.details['key'];
  const field = error.field ?? (typeof key === 'string' ? key : undefined);
  return field?.split('.')[0];
}

/** The message for one field, or undefined when the error is about something else. */
export function fieldError(
  error: unknown,
  field: string,
  codeFields: Record<string, string> = {},
): string | undefined {
  return errorField(error, codeFields) === field && error instanceof ApiError ? error.message : undefined;
}

/** The error to show at the top of a form: one that no field of the form shows. */
export function formLevelError(
  error: unknown,
  fields: readonly string[],
  codeFields: Record<string, string> = {},
): unknown {
  const field = errorField(error, codeFields);
  return field !== undefined && fields.includes(field) ? undefined : error;
}
