import { type ErrorCode, errorCodes } from './error-codes.js';

export type ErrorDetails = Record<string, unknown>;

/** The only error type that Lethe throws on purpose. `code` is stable; `message` names what is wrong. */
export class LetheError extends Error {
  override readonly name = 'LetheError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }

  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isLetheError(value: unknown): value is LetheError {
  return value instanceof LetheError;
}

/** The message of anything thrown, for result rows and logs. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
