import { useState } from 'react';
import { ApiError } from '../../api/client';
import { downloadHref, selfApi } from '../../api/endpoints';
import type { OwnExport, SelfProfile } from '../../api/types';
import { RequestStatusBadge, SubjectStatusBadge } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DownloadLink } from '../../components/download-link';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { useResource } from '../../hooks/use-resource';
import { formatBytes, formatDateTime } from '../../lib/format';
import { useSession } from '../../session';
import { RequestExportDialog } from './request-export-dialog';

const inProgress = (r: OwnExport) => r.status === 'pending' || r.status === 'running';
const available = (r: OwnExport) => r.status === 'succeeded' && r.downloadUrl !== null;

/** Why the subject can't request an export now, or null if they can. */
function blockedReason(profile: SelfProfile, current: OwnExport | undefined): string | null {
  if (!profile.allowSelfExport) {
    return 'Self-service exports are turned off here. Ask the data protection officer for a copy of your data.';
  }
  if (profile.exportTypes.length === 0) {
    return 'No kind of export is offered for self-service yet. Ask the data protection officer for a copy of your data.';
  }
  if (current && inProgress(current))
    return 'Your export is being prepared. You can request another once it is done.';
  if (current && available(current)) {
    return 'Your last export is still available to download. You can request a new one once it expires, or delete it.';
  }
  return null;
}

/** A person's own page: their profile, and exports of their data (request, follow, download). */
export function SelfServicePage() {
  const { account } = useSession();
  const toast = useToast();
  const [dialog, setDialog] = useState<'request' | 'delete' | null>(null);
  const linked = account?.subjectId !== null && account?.subjectId !== undefined;
  const profile = useResource('self', () => selfApi.profile(), { enabled: linked });
  const exports = useResource('self-exports', () => selfApi.exports(), {
    enabled: linked && !profile.error,
    poll: { intervalMs: 2000, while: (page) => page.exports.some(inProgress) },
  });

  if (!linked) {
    return (
      <>
        <PageHeader title="My data" />
        <Notice tone="info" title="Your account isn't linked to a person.">
          <p>
            Self-service exports are for people whose data the applications hold. Staff accounts use the
            console.
          </p>
        </Notice>
      </>
    );
  }
  const forbidden = profile.error instanceof ApiError && profile.error.status === 403;
  const list = [...(exports.data?.exports ?? [])].sort((a, b) => b.id - a.id);
  const current = list.find((r) => inProgress(r) || available(r));
  const data = profile.data;
  const reason = data ? blockedReason(data, current) : null;
  const href = current && available(current) ? downloadHref(current) : null;
  const typeName = (idnumber: string | null) =>
    data?.exportTypes.find((t) => t.idnumber === idnumber)?.name ?? idnumber ?? '–';

  return (
    <>
      <PageHeader
        title="My data"
        description="See what this organisation holds about you, and download a copy of it."
      />
      {profile.loading ? <Loading /> : null}
      {forbidden ? (
        <Notice tone="warning" title="You can't export your data from this account.">
          <p>
            Your account doesn't have permission to export your own data (the capability “Export own data”).
            Ask the data protection officer, who can give you a copy.
          </p>
        </Notice>
      ) : (
        <ErrorMessage error={profile.error} />
      )}
      {data ? (
        <>
          <section className="card" aria-labelledby="profile-heading">
            <h2 id="profile-heading">Your profile</h2>
            <dl className="details">
              <dt>Name</dt>
              <dd>{data.subject.fullName || '–'}</dd>
              <dt>Username</dt>
              <dd>{data.subject.username}</dd>
              <dt>Email</dt>
              <dd>{data.subject.email || '–'}</dd>
              <dt>Status</dt>
              <dd>
                <SubjectStatusBadge status={data.subject.status} />
              </dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="export-heading">
            <h2 id="export-heading">Export of your data</h2>
            {current ? (
              <div className="export-status">
                <p>
                  Your export ({typeName(current.type)}) requested on {formatDateTime(current.createdAt)}:{' '}
                  <RequestStatusBadge status={current.status} />
                </p>
                {inProgress(current) ? (
                  <p className="muted" role="status">
                    <span className="spinner" aria-hidden="true" /> It is being prepared. We'll email you when
                    it is ready; this page updates by itself.
                  </p>
                ) : null}
                {href ? (
                  <>
                    <p>
                      <DownloadLink className="button button-primary" href={href}>
                        Download data export file
                      </DownloadLink>{' '}
                      {current.size ? (
                        <span className="muted">({formatBytes(current.size)}, ZIP)</span>
                      ) : null}
                    </p>
                    <p>
                      Available until <strong>{formatDateTime(current.expiresAt)}</strong>. After that it is
                      deleted, and you can request a new one.{' '}
                      <button
                        type="button"
                        className="button button-link"
                        onClick={() => setDialog('delete')}
                      >
                        Delete it now
                      </button>
                    </p>
                  </>
                ) : null}
              </div>
            ) : (
              <p>You have no export in progress or available.</p>
            )}
            {reason && !current ? <Notice tone="info">{reason}</Notice> : null}
            <p>
              <button
                type="button"
                className="button button-primary"
                onClick={() => setDialog('request')}
                disabled={reason !== null}
                aria-describedby={reason ? 'export-blocked' : undefined}
              >
                Request data export
              </button>
            </p>
            {reason ? (
              <p className={current ? 'muted small' : 'visually-hidden'} id="export-blocked">
                {reason}
              </p>
            ) : null}
            <ErrorMessage error={exports.error} />
          </section>
          {list.length > 0 ? (
            <section className="card" aria-labelledby="history-heading">
              <h2 id="history-heading">Your requests</h2>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Requested</th>
                      <th scope="col">Export</th>
                      <th scope="col">Status</th>
                      <th scope="col">Available until</th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((r) => (
                      <tr key={r.id}>
                        <td>{formatDateTime(r.createdAt)}</td>
                        <td>{typeName(r.type)}</td>
                        <td>
                          <RequestStatusBadge status={r.status} />
                        </td>
                        <td>{r.expiresAt && r.status === 'succeeded' ? formatDateTime(r.expiresAt) : '–'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ) : null}
          <RequestExportDialog
            profile={data}
            open={dialog === 'request'}
            onClose={() => setDialog(null)}
            onRequested={() => {
              setDialog(null);
              toast('Your export has been requested.');
              exports.reload();
            }}
          />
          <ConfirmDialog
            open={dialog === 'delete' && current !== undefined}
            title="Delete your export file?"
            confirmLabel="Delete file"
            danger
            onClose={() => setDialog(null)}
            onConfirm={async () => {
              if (!current) return;
              await selfApi.deletePackage(current.id);
              setDialog(null);
              toast('Your export file has been deleted.');
              exports.reload();
            }}
          >
            <p>The file will be deleted from the server. Your data in the applications is not affected.</p>
          </ConfirmDialog>
        </>
      ) : null}
    </>
  );
}
