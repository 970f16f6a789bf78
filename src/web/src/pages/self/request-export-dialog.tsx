import { useState } from 'react';
import { selfApi } from '../../api/endpoints';
import type { OwnExport, SelfProfile } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { ErrorMessage } from '../../components/error-message';
import { fieldError, formLevelError } from '../../components/field-errors';

interface RequestExportDialogProps {
  profile: SelfProfile;
  open: boolean;
  onClose: () => void;
  onRequested: (request: OwnExport) => void;
}

const codeFields = { LETHE_E_TYPE_NOT_SELF: 'type', LETHE_E_TYPE_UNKNOWN: 'type' };

/** Two steps: choose an export type, then confirm (it may take a while; an email says when it is ready). */
export function RequestExportDialog({ profile, open, onClose, onRequested }: RequestExportDialogProps) {
  const [step, setStep] = useState<'choose' | 'confirm'>('choose');
  const [typeId, setTypeId] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [wasOpen, setWasOpen] = useState(false);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) {
      setStep('choose');
      setTypeId(profile.exportTypes.length === 1 ? (profile.exportTypes[0]?.id ?? null) : null);
      setError(undefined);
    }
  }
  const chosen = profile.exportTypes.find((t) => t.id === typeId);
  const submit = async () => {
    if (!chosen) return;
    setBusy(true);
    setError(undefined);
    try {
      onRequested(await selfApi.requestExport(chosen.id));
    } catch (reason) {
      setError(reason);
      if (fieldError(reason, 'type', codeFields)) setStep('choose');
    } finally {
      setBusy(false);
    }
  };
  const typeError = fieldError(error, 'type', codeFields);
  return (
    <Dialog
      open={open}
      title={step === 'choose' ? 'Request a data export' : 'Confirm your request'}
      onClose={onClose}
      busy={busy}
      footer={
        step === 'choose' ? (
          <>
            <button type="button" className="button button-secondary" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={!chosen}
              onClick={() => setStep('confirm')}
            >
              Continue
            </button>
          </>
        ) : (
          <>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => setStep('choose')}
              disabled={busy}
            >
              Back
            </button>
            <button
              type="button"
              className="button button-primary"
              onClick={submit}
              disabled={busy}
              data-autofocus
            >
              {busy ? 'Requesting…' : 'Request export'}
            </button>
          </>
        )
      }
    >
      <p className="steps">Step {step === 'choose' ? 1 : 2} of 2</p>
      {step === 'choose' ? (
        <fieldset className="choice-list" aria-describedby={typeError ? 'self-type-error' : undefined}>
          <legend>What would you like to export?</legend>
          {profile.exportTypes.map((type) => (
            <label key={type.id} className={`choice${typeId === type.id ? ' choice-selected' : ''}`}>
              <input
                type="radio"
                name="export-type"
                value={type.id}
                checked={typeId === type.id}
                onChange={() => setTypeId(type.id)}
              />
              <span>
                <strong>{type.name}</strong>
                {type.description ? <span className="choice-help">{type.description}</span> : null}
                {type.includeFiles ? <span className="choice-help">Includes your files.</span> : null}
              </span>
            </label>
          ))}
          {typeError ? (
            <p className="field-error" id="self-type-error">
              {typeError}
            </p>
          ) : null}
        </fieldset>
      ) : (
        <div>
          <p>
            You asked for <strong>{chosen?.name}</strong>.
          </p>
          <p>
            Preparing your export <strong>may take a while</strong>. We'll send an email
            {profile.subject.email ? (
              <>
                {' '}
                to <strong>{profile.subject.email}</strong>
              </>
            ) : null}{' '}
            when it is ready, and you can download it from this page.
          </p>
          <p className="muted small">
            You can have one export at a time. It is kept for a few days, then deleted.
          </p>
        </div>
      )}
      <ErrorMessage error={formLevelError(error, ['type'], codeFields)} />
    </Dialog>
  );
}
