export { isStaff, SessionProvider, type SessionState, useSession } from './session-context';
