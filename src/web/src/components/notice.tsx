import type { ReactNode } from 'react';

type NoticeTone = 'info' | 'success' | 'warning' | 'error';

/** A boxed message: info, success, a warning, or an error (errors are alerts, the rest polite status). */
export function Notice({
  tone = 'info',
  title,
  children,
}: {
  tone?: NoticeTone;
  title?: string;
  children?: ReactNode;
}) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {title ? <strong className="notice-title">{title}</strong> : null}
      {children}
    </div>
  );
}

/** Shown when a table has no rows. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {children ? <div className="empty-body">{children}</div> : null}
    </div>
  );
}
