import { z } from 'zod';
import {
  type ErrorCode,
  type ErrorDetails,
  errorCodes,
  isLetheError,
  LetheError,
} from '../../errors/index.js';

/** The body of every error response. */
export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
});

export interface ErrorEnvelope {
  status: number;
  body: { error: { code: ErrorCode; message: string; details: ErrorDetails } };
  /** Seconds, for the Retry-After header. */
  retryAfter?: number;
}

const byStatus: Record<number, ErrorCode> = {
  400: 'LETHE_E_INVALID_INPUT',
  401: 'LETHE_E_UNAUTHENTICATED',
  403: 'LETHE_E_FORBIDDEN',
  404: 'LETHE_E_NOT_FOUND',
  413: 'LETHE_E_PAYLOAD_TOO_LARGE',
  415: 'LETHE_E_UNSUPPORTED_MEDIA_TYPE',
  429: 'LETHE_E_RATE_LIMITED',
};

const fastifyMessages: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty, but its content type says JSON.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than the server accepts.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request body must be JSON (Content-Type: application/json).',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
  FST_ERR_BAD_URL: 'The URL is malformed.',
};

interface HttpishError {
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
}

/** PostgreSQL's class 22, "data exception": the value, not the server, is at fault. */
function isPgDataException(e: HttpishError & { severity?: unknown }): boolean {
  return typeof e.code === 'string' && /^22[0-9A-Z]{3}$/.test(e.code) && typeof e.severity === 'string';
}

function envelope(error: LetheError): ErrorEnvelope {
  const retry = error.details['retryAfterSeconds'];
  return {
    status: error.status,
    body: { error: error.toJSON() },
    ...(typeof retry === 'number' ? { retryAfter: retry } : {}),
  };
}

/**
 * Turns anything thrown into the error envelope. LetheErrors keep their code and status; the framework's own
 * 4xx errors (bad JSON, too large, wrong media type) get the matching code; anything else is a 500 whose
 * message says nothing of the internals (the caller logs the real error).
 */
export function toErrorEnvelope(error: unknown, requestId: string): ErrorEnvelope {
  if (isLetheError(error)) return envelope(error);
  const e = (typeof error === 'object' && error !== null ? error : {}) as HttpishError;
  if (isPgDataException(e)) {
    // Defence in depth: a value the store cannot hold (an id beyond its integer range, say) is bad input.
    return envelope(
      new LetheError('LETHE_E_INVALID_INPUT', 'A value is out of range or malformed for the store.', {
        reason: `sqlstate ${String(e.code)}`,
      }),
    );
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = byStatus[status] ?? 'LETHE_E_INVALID_INPUT';
    const fastifyCode = typeof e.code === 'string' ? e.code : undefined;
    const message =
      (fastifyCode && fastifyMessages[fastifyCode]) ??
      (error instanceof SyntaxError
        ? 'The request body is not valid JSON.'
        : typeof e.message === 'string' && e.message !== ''
          ? e.message
          : errorCodes[code].summary);
    return envelope(new LetheError(code, message, fastifyCode ? { reason: fastifyCode } : {}));
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'LETHE_E_INTERNAL',
        message: 'An unexpected error. It has been logged.',
        details: { requestId },
      },
    },
  };
}
