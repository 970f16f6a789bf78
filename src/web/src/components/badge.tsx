import type { ReactNode } from 'react';
import type { ItemRunStatus, RequestStatus, SubjectStatus } from '../api/types';
import { humanize } from '../lib/format';

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger' | 'accent';

/** A small label with a tone. Colour is never the only signal: the text says it too. */
export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

const requestTones: Record<RequestStatus, Tone> = {
  pending: 'neutral',
  running: 'info',
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'warning',
  'timed-out': 'danger',
  expired: 'neutral',
};

export function RequestStatusBadge({ status }: { status: RequestStatus }) {
  return <Badge tone={requestTones[status] ?? 'neutral'}>{humanize(status)}</Badge>;
}

const itemTones: Record<string, Tone> = {
  success: 'success',
  error: 'danger',
  skipped: 'neutral',
  cancelled: 'warning',
  'timed-out': 'danger',
  pending: 'neutral',
  running: 'info',
};

export function ItemStatusBadge({ status }: { status: ItemRunStatus }) {
  return <Badge tone={itemTones[status] ?? 'neutral'}>{humanize(status)}</Badge>;
}

const subjectTones: Record<SubjectStatus, Tone> = {
  active: 'success',
  suspended: 'warning',
  deleted: 'danger',
};

export function SubjectStatusBadge({ status }: { status: SubjectStatus }) {
  return <Badge tone={subjectTones[status] ?? 'neutral'}>{humanize(status)}</Badge>;
}

/** The "New" label on items added since a type was last saved. */
export function NewLabel({ title = 'Added since this type was last saved' }: { title?: string }) {
  return (
    <span className="new-label" title={title}>
      New
    </span>
  );
}
