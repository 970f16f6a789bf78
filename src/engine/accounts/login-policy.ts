/** How logins are limited, and how long sessions last. */
export interface LoginPolicy {
  /** Failed logins for one username, within `lockMinutes`, that lock it out. */
  maxFailures: number;
  /** How long a lockout lasts, and the window failures are counted in. */
  lockMinutes: number;
  /** Failed logins from one address, within `lockMinutes`, after which it is refused (any username). */
  maxFailuresPerIp: number;
  /** How long a session lasts after login. */
  sessionMinutes: number;
}

export const defaultLoginPolicy: LoginPolicy = Object.freeze({
  maxFailures: 5,
  lockMinutes: 15,
  maxFailuresPerIp: 50,
  sessionMinutes: 8 * 60,
});
