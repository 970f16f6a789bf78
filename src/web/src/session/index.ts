export { type Acting, isStaff, SessionProvider, type SessionState, useSession } from './session-context';
