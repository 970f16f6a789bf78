import { useState } from 'react';
import { requestsApi } from '../../api/endpoints';
import type { LetheRequest, Subject } from '../../api/types';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { CheckboxField } from '../../components/field';
import { plural } from '../../lib/format';

interface AnonymizeDialogProps {
  subjects: Subject[];
  open: boolean;
  onClose: () => void;
  onQueued: (requests: LetheRequest[]) => void;
}

/**
 * The helpdesk "Anonymize user" action, for support users: it says plainly that it can't be undone, and what is
 * blanked and what is kept, and needs a tick before it runs.
 */
export function AnonymizeDialog({ subjects, open, onClose, onQueued }: AnonymizeDialogProps) {
  const [understood, setUnderstood] = useState(false);
  const [wasOpen, setWasOpen] = useState(false);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) setUnderstood(false);
  }
  const who =
    subjects.length === 1
      ? subjects[0]?.fullName || subjects[0]?.username || 'this user'
      : plural(subjects.length, 'support user');
  return (
    <ConfirmDialog
      open={open}
      title={`Anonymize ${who}?`}
      confirmLabel="Anonymize user"
      danger
      size="medium"
      confirmDisabled={!understood}
      onClose={onClose}
      onConfirm={async () => {
        const result = await requestsApi.anonymise(subjects.map((s) => s.id));
        onQueued(result.results.map((r) => r.request));
      }}
    >
      <p className="warning-text">
        <strong>This can't be undone.</strong> Nobody will be able to tell who this person was from the
        helpdesk data.
      </p>
      <div className="two-lists">
        <div>
          <h3>Blanked</h3>
          <ul className="compact-list">
            <li>Their name becomes "Anonymized"</li>
            <li>Email address, phone numbers, custom fields and the history on their user card</li>
            <li>Every email they sent, including an issue description made from their email</li>
            <li>Every email sent to them</li>
            <li>Every system email whose text contains their address</li>
            <li>Their address in the CC and BCC of other emails</li>
          </ul>
        </div>
        <div>
          <h3>Kept</h3>
          <ul className="compact-list">
            <li>Their company, for statistics</li>
            <li>The issues themselves, and other people's emails</li>
          </ul>
          <p className="small muted">
            Emails are blanked whole, not just their personal parts. Then the user is inactivated.
          </p>
        </div>
      </div>
      <CheckboxField
        label="I understand that this can't be undone."
        checked={understood}
        onChange={(e) => setUnderstood(e.target.checked)}
      />
    </ConfirmDialog>
  );
}
