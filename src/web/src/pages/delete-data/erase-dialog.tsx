import { requestsApi } from '../../api/endpoints';
import type { EraseMode, Item, LetheRequest, Subject } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { plural } from '../../lib/format';
import { modeAvailability } from '../../lib/items';

export interface EraseChoice {
  mode: EraseMode;
  items: Item[];
}

interface EraseDialogProps {
  subject: Subject;
  choice: EraseChoice | null;
  onClose: () => void;
  onQueued: (request: LetheRequest) => void;
}

/** Confirms an erasure: which items are anonymized or deleted, which are skipped and why; it can't be undone. */
export function EraseDialog({ subject, choice, onClose, onQueued }: EraseDialogProps) {
  const mode = choice?.mode ?? 'delete';
  const items = choice?.items ?? [];
  const allowed = items.filter((i) => modeAvailability(i, mode, subject.status).allowed);
  const skipped = items.filter((i) => !modeAvailability(i, mode, subject.status).allowed);
  const verb = mode === 'anonymise' ? 'Anonymize' : 'Delete';
  const name = subject.fullName || subject.username;
  return (
    <ConfirmDialog
      open={choice !== null}
      title={`${verb} ${plural(allowed.length, 'item')} of ${name}?`}
      confirmLabel={verb}
      danger
      confirmDisabled={allowed.length === 0}
      onClose={onClose}
      onConfirm={async () => {
        const result = await requestsApi.erase({
          subjectId: subject.id,
          items: allowed.map((i) => i.key),
          mode,
        });
        onQueued(result.request);
      }}
    >
      <p>
        {mode === 'anonymise'
          ? 'The content stays, but it is attributed to the anonymous user instead of this person, and their personal fields are blanked.'
          : 'The records are deleted from the application.'}{' '}
        <strong>This can't be undone.</strong>
      </p>
      <ul className="compact-list">
        {allowed.map((i) => (
          <li key={i.key}>
            {i.title} <span className="muted small">({i.group})</span>
          </li>
        ))}
      </ul>
      {skipped.length > 0 ? (
        <div className="notice notice-warning">
          <strong className="notice-title">{plural(skipped.length, 'item')} will be left out</strong>
          <ul className="compact-list small">
            {skipped.map((i) => {
              const a = modeAvailability(i, mode, subject.status);
              return (
                <li key={i.key}>
                  {i.title}: {a.allowed ? '' : a.reason}
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
    </ConfirmDialog>
  );
}
