import type { RequestSummary } from '../../api/types';
import { RequestStatusBadge } from '../../components/badge';

/** A request's status, with a progress bar while it is open ("3 of 12 items"), from the API's progress. */
export function RequestProgress({ request }: { request: RequestSummary }) {
  const open = request.status === 'pending' || request.status === 'running';
  if (!open) return <RequestStatusBadge status={request.status} />;
  const { done, total } = request.progress;
  const known = total > 0;
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
