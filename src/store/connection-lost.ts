/** PostgreSQL SQLSTATEs of a session that ended: class 08 (connection exception), and the server shutting down. */
const lostStates = /^(08...|57P01|57P02|57P03)$/;

/** What node-postgres and the socket say when the session went away under a query. */
const lostMessages =
  /Connection terminated|Client has encountered a connection error|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT/;

/**
 * True when an error says that the store's connection was lost (the server restarted, failed over, or ended the
 * session), rather than that a statement was wrong: what went wrong is the connection, and a new one may work.
 */
export function isConnectionLost(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && lostStates.test(code)) return true;
  return lostMessages.test(error.message);
}
