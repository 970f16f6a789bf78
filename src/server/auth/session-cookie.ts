import type { FastifyReply } from 'fastify';

export const sessionCookieName = 'lethe_session';

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure unless the server runs on plain-http localhost. */
export function setSessionCookie(
  reply: FastifyReply,
  secret: string,
  expiresAt: string,
  secure: boolean,
): void {
  reply.setCookie(sessionCookieName, secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure,
    expires: new Date(expiresAt),
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(sessionCookieName, { path: '/', httpOnly: true, sameSite: 'strict', secure });
}
