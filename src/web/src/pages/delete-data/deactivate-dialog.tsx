import { subjectsApi } from '../../api/endpoints';
import type { Subject } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';

interface DeactivateDialogProps {
  subject: Subject;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}

/** Liferay's first step: personal data is deleted only from a deactivated user, and this offers to do it. */
export function DeactivateDialog({ subject, open, onClose, onDone }: DeactivateDialogProps) {
  const name = subject.fullName || subject.username;
  return (
    <ConfirmDialog
      open={open}
      title="Deactivate the user first"
      confirmLabel="Deactivate user"
      onClose={onClose}
      onConfirm={async () => {
        await subjectsApi.setStatus([subject.id], 'suspended');
        onDone();
      }}
    >
      <p>
        <strong>{name}</strong> is active. Personal data can only be deleted or anonymized once the user is
        deactivated, so that they stop adding new data while it is being removed.
      </p>
      <p>Deactivating marks the user suspended. They can be reactivated later by the application.</p>
    </ConfirmDialog>
  );
}
