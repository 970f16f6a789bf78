import { ApiError } from '../api/client';

/** The message of anything thrown, for people. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** An error from the API, shown as an alert (with its code, small, for support). */
export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  const code = error instanceof ApiError ? error.code : null;
  const missingRoute =
    error instanceof ApiError && error.code === 'LETHE_E_NOT_FOUND' && error.status === 404;
  return (
    <div className="notice notice-error" role="alert">
      {title ? <strong className="notice-title">{title}</strong> : null}
      <p>{messageOf(error)}</p>
      {missingRoute ? <p className="muted small">This server does not offer this yet.</p> : null}
      {code ? <p className="muted small code">{code}</p> : null}
    </div>
  );
}
