export { type ErrorCode, errorCodes } from './error-codes.js';
export { type ErrorDetails, isLetheError, LetheError, messageOf } from './lethe-error.js';
