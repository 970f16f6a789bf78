import type { RequestSummary } from '../../api/types';
import { RequestStatusBadge } from '../../components/badge';

interface RequestProgressProps {
  request: RequestSummary;
  /** Items finished so far (known from the request's results). */
  done?: number | undefined;
  /** Items it will run, when known. */
  total?: number | undefined;
}

/** A request's status, with a progress bar while it runs ("3 of 12 items"). */
export function RequestProgress({ request, done, total }: RequestProgressProps) {
  const open = request.status === 'pending' || request.status === 'running';
  if (!open) return <RequestStatusBadge status={request.status} />;
  const known = total !== undefined && total > 0 && done !== undefined;
  const label = known
    ? `${done} of ${total} items`
    : request.status === 'pending'
      ? 'Waiting to start'
      : 'Running';
  return (
    <div className="progress-cell">
      {known ? (
        <progress max={total} value={done} aria-label={`Request ${request.id}: ${label}`} />
      ) : (
        <progress aria-label={`Request ${request.id}: ${label}`} />
      )}
      <span className="small muted">
        <RequestStatusBadge status={request.status} /> {label}
      </span>
    </div>
  );
}
