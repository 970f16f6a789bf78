import { type ReactNode, useState } from 'react';
import { Dialog } from './dialog';
import { ErrorMessage } from './error-message';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Irreversible or destructive: a red button. */
  danger?: boolean;
  /** Runs on confirm; the dialog stays open, showing the error, if it throws. */
  onConfirm: () => Promise<void> | void;
  onClose: () => void;
  /** Keep the confirm button disabled (until a box is ticked). */
  confirmDisabled?: boolean;
  size?: 'small' | 'medium';
}

/** "Are you sure?" with the consequences spelled out; the Cancel button has focus first. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
  confirmDisabled,
  size = 'small',
}: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const close = () => {
    setError(undefined);
    onClose();
  };
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={open}
      title={title}
      onClose={close}
      busy={busy}
      tone={danger ? 'danger' : 'default'}
      size={size}
      footer={
        <>
          <button
            type="button"
            className="button button-secondary"
            onClick={close}
            disabled={busy}
            data-autofocus
          >
            Cancel
          </button>
          <button
            type="button"
            className={`button ${danger ? 'button-danger' : 'button-primary'}`}
            onClick={confirm}
            disabled={busy || confirmDisabled}
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {children}
      <ErrorMessage error={error} />
    </Dialog>
  );
}
