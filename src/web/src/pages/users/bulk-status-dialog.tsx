import { subjectsApi } from '../../api/endpoints';
import type { BulkChangeResult } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { plural } from '../../lib/format';

interface BulkStatusDialogProps {
  subjectIds: string[];
  status: 'suspended' | 'deleted' | null;
  onClose: () => void;
  onDone: (result: BulkChangeResult, status: 'suspended' | 'deleted') => void;
}

/** Suspend or delete the selected users, saying what follows (an automatic purge, where the type allows it). */
export function BulkStatusDialog({ subjectIds, status, onClose, onDone }: BulkStatusDialogProps) {
  const who = plural(subjectIds.length, 'user');
  return (
    <ConfirmDialog
      open={status !== null}
      title={status === 'deleted' ? `Delete ${who}?` : `Suspend ${who}?`}
      confirmLabel={status === 'deleted' ? 'Delete users' : 'Suspend users'}
      danger={status === 'deleted'}
      onClose={onClose}
      onConfirm={async () => {
        if (!status) return;
        const result = await subjectsApi.setStatus(subjectIds, status);
        onDone(result, status);
      }}
    >
      {status === 'deleted' ? (
        <p>
          The {who} will be marked <strong>deleted</strong>. If the purge type for deleted users allows
          automatic purges, their personal data is purged at the next scan, as that type says.
        </p>
      ) : (
        <p>
          The {who} will be marked <strong>suspended</strong>. If the purge type for suspended users allows
          automatic purges, it runs at the next scan.
        </p>
      )}
      <p className="small muted">Users who already have this status are left as they are.</p>
    </ConfirmDialog>
  );
}
