import { useState } from 'react';
import type { Subject } from '../../api/types';
import { OptionsMenu } from '../../components/options-menu';
import { useToast } from '../../components/toaster';
import { navigate } from '../../router';
import { useSession } from '../../session';
import { AnonymizeDialog } from './anonymize-dialog';
import { AssignPurgeTypesDialog } from './assign-purge-types-dialog';
import { PurgeDialog } from './purge-dialog';

type Open = 'purge' | 'assign' | 'anonymize' | null;

interface UserOptionsMenuProps {
  subject: Subject;
  onChanged: () => void;
  /** Leave out "View personal data" (on that page itself). */
  onDataPage?: boolean;
}

/** A user's Options menu: export, delete personal data, anonymize (support users), purge, assign purge types. */
export function UserOptionsMenu({ subject, onChanged, onDataPage }: UserOptionsMenuProps) {
  const { can } = useSession();
  const toast = useToast();
  const [open, setOpen] = useState<Open>(null);
  const name = subject.fullName || subject.username;
  const base = `/users/${encodeURIComponent(subject.id)}`;
  const isSupport = subject.kind === 'support';
  return (
    <>
      <OptionsMenu
        label={`Options for ${name}`}
        items={[
          { label: 'View personal data', onSelect: () => navigate(base), hidden: onDataPage },
          {
            label: 'Export personal data',
            onSelect: () => navigate(`${base}/exports`),
            disabled: !can('userdata:exportother'),
            reason: 'Needs the capability to export other people’s data.',
          },
          {
            label: 'Delete personal data',
            onSelect: () => navigate(`${base}/delete-data`),
            disabled: !can('userdata:purgemanual'),
            reason: 'Needs the capability to purge manually.',
          },
          {
            label: 'Anonymize user',
            onSelect: () => setOpen('anonymize'),
            hidden: !isSupport,
            disabled: !can('userdata:anonymise'),
            reason: 'Needs the capability userdata:anonymise, which an administrator grants to a role.',
            danger: true,
          },
          {
            label: 'Purge',
            onSelect: () => setOpen('purge'),
            disabled: !can('userdata:purgemanual'),
            reason: 'Needs the capability to purge manually.',
            danger: true,
          },
          {
            label: 'Assign purge types',
            onSelect: () => setOpen('assign'),
            disabled: !can('userdata:config') || subject.anonymous === true,
            reason: subject.anonymous
              ? 'The anonymous user is never purged.'
              : 'Needs the capability to configure.',
          },
        ]}
      />
      <PurgeDialog
        subject={subject}
        open={open === 'purge'}
        onClose={() => setOpen(null)}
        onQueued={(request) => {
          setOpen(null);
          toast(`${request.dryRun ? 'Dry run' : 'Purge'} of ${name} queued (request ${request.id}).`);
          navigate(`/requests/${request.id}`);
        }}
      />
      <AssignPurgeTypesDialog
        subjects={[subject]}
        open={open === 'assign'}
        onClose={() => setOpen(null)}
        onDone={() => {
          setOpen(null);
          toast(`Purge types of ${name} saved.`);
          onChanged();
        }}
      />
      <AnonymizeDialog
        subjects={[subject]}
        open={open === 'anonymize'}
        onClose={() => setOpen(null)}
        onQueued={(requests) => {
          setOpen(null);
          toast(`Anonymization of ${name} queued.`);
          const first = requests[0];
          if (first) navigate(`/requests/${first.id}`);
          else onChanged();
        }}
      />
    </>
  );
}
