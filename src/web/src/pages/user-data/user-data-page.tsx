import { useState } from 'react';
import type { EraseMode, Item } from '../../api/types';
import { Badge, RequestStatusBadge, SubjectStatusBadge } from '../../components/badge';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { Notice } from '../../components/notice';
import { OptionsMenu } from '../../components/options-menu';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { formatDateTime, formatNumber, humanize } from '../../lib/format';
import { groupItems, modeAvailability, modeLabels } from '../../lib/items';
import { Link, navigate } from '../../router';
import { useSession } from '../../session';
import { type EraseChoice, EraseDialog } from '../delete-data/erase-dialog';
import { UserOptionsMenu } from '../users/user-options-menu';
import { countOf, useSubjectData } from './use-subject-data';

/** What an item can do, as small labels: Export, Delete (for which statuses), Anonymize (…). */
function Capabilities({ item }: { item: Item }) {
  return (
    <span className="badge-row">
      {item.export ? <Badge tone="neutral">Export</Badge> : null}
      {(['delete', 'anonymise'] as EraseMode[]).map((mode) => {
        const m = item.modes[mode];
        return m ? (
          <Badge key={mode} tone="neutral">
            {modeLabels[mode]}
            <span className="visually-hidden">, when {m.statuses.join(' or ')}</span>
          </Badge>
        ) : null;
      })}
    </span>
  );
}

/** A user's data page: who they are, a count per application and per item, and the actions each item supports. */
export function UserDataPage({ id }: { id: string }) {
  const { can } = useSession();
  const toast = useToast();
  const [erase, setErase] = useState<EraseChoice | null>(null);
  const data = useSubjectData(id, true);
  const d = data.data;
  const s = d?.subject;
  const name = s ? s.fullName || s.username : id;
  const groups = d ? groupItems(d.items) : [];
  const base = `/users/${encodeURIComponent(id)}`;

  return (
    <>
      <PageHeader
        title={name}
        description={s ? `${s.username} · ${s.email || 'no email'} · ${s.kind}` : undefined}
        breadcrumbs={[{ label: 'Users', to: '/users' }]}
        actions={
          s ? (
            <>
              <Link to={`${base}/exports`} className="button button-secondary">
                Export personal data
              </Link>
              <Link to={`${base}/delete-data`} className="button button-secondary">
                Delete personal data
              </Link>
              <UserOptionsMenu subject={s} onChanged={data.reload} onDataPage />
            </>
          ) : null
        }
      />
      {data.loading ? <Loading /> : null}
      <ErrorMessage error={data.error} title="This user could not be loaded." />
      {d && s ? (
        <>
          <section className="card" aria-labelledby="profile-heading">
            <h2 id="profile-heading">Profile</h2>
            <div className="grid-2">
              <dl className="details">
                <dt>Id</dt>
                <dd className="code">{s.id}</dd>
                <dt>Status</dt>
                <dd>
                  <SubjectStatusBadge status={s.status} />{' '}
                  <span className="muted small">since {formatDateTime(s.statusChangedAt)}</span>
                </dd>
                <dt>Kind</dt>
                <dd>
                  {s.kind} {s.legacy ? <Badge tone="neutral">Legacy</Badge> : null}
                  {s.anonymous ? <Badge tone="accent">Anonymous user</Badge> : null}
                </dd>
              </dl>
              <dl className="details">
                <dt>Purge type when suspended</dt>
                <dd>{s.suspendedPurgeTypeId === null ? 'The default' : `#${s.suspendedPurgeTypeId}`}</dd>
                <dt>Purge type when deleted</dt>
                <dd>{s.deletedPurgeTypeId === null ? 'The default' : `#${s.deletedPurgeTypeId}`}</dd>
                <dt>Known since</dt>
                <dd>{formatDateTime(s.createdAt)}</dd>
              </dl>
            </div>
          </section>

          {d.open.length > 0 ? (
            <Notice tone="info" title="Work in progress">
              <ul className="compact-list">
                {d.open.map((r) => (
                  <li key={r.id}>
                    <Link to={`/requests/${r.id}`}>
                      {humanize(r.kind)} #{r.id}
                    </Link>{' '}
                    <RequestStatusBadge status={r.status} />
                  </li>
                ))}
              </ul>
            </Notice>
          ) : null}
          {d.counts === undefined ? (
            <Notice tone="warning" title="The counts of this user's data are not available.">
              <ErrorMessage error={d.countsError} />
            </Notice>
          ) : null}

          <h2>Personal data by application</h2>
          {groups.map((group) => {
            const total = group.items.reduce((sum, i) => sum + (countOf(d, i.key) ?? 0), 0);
            return (
              <div key={group.component} className="card app-group">
                <div className="app-group-header">
                  <h3 id={`group-${group.component}`}>{group.label}</h3>
                  <span className="muted small code">{group.component}</span>
                  <span className="count">{d.counts ? `${formatNumber(total)} records` : ''}</span>
                </div>
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col">Item</th>
                        <th scope="col" className="num">
                          Records
                        </th>
                        <th scope="col">Supports</th>
                        <th scope="col">
                          <span className="visually-hidden">Actions</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {group.items.map((item) => {
                        const count = countOf(d, item.key);
                        const action = (mode: EraseMode) => {
                          const a = modeAvailability(item, mode, s.status);
                          const reason = !can('userdata:purgemanual')
                            ? 'Needs the capability to purge manually.'
                            : s.status === 'active'
                              ? 'Deactivate the user first (Delete personal data).'
                              : a.allowed
                                ? undefined
                                : a.reason;
                          return {
                            label: modeLabels[mode],
                            onSelect: () => setErase({ mode, items: [item] }),
                            disabled: reason !== undefined,
                            reason,
                            hidden: !item.modes[mode],
                            danger: true,
                          };
                        };
                        return (
                          <tr key={item.key}>
                            <th scope="row">
                              {item.title}
                              <span className="muted small code"> {item.key}</span>
                            </th>
                            <td className="num">{count === null ? '–' : formatNumber(count)}</td>
                            <td>
                              <Capabilities item={item} />
                            </td>
                            <td className="col-actions">
                              <OptionsMenu
                                label={`Actions for ${item.title}`}
                                items={[
                                  {
                                    label: 'Export…',
                                    onSelect: () => navigate(`${base}/exports`),
                                    hidden: !item.export,
                                    disabled: !can('userdata:exportother'),
                                    reason: 'Needs the capability to export other people’s data.',
                                  },
                                  action('anonymise'),
                                  action('delete'),
                                ]}
                              />
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </div>
              </div>
            );
          })}

          {d.recent.length > 0 ? (
            <section className="card" aria-labelledby="recent-heading">
              <h2 id="recent-heading">Recent requests</h2>
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Request</th>
                      <th scope="col">Type</th>
                      <th scope="col">Origin</th>
                      <th scope="col">Status</th>
                      <th scope="col">Requested</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.recent.map((r) => (
                      <tr key={r.id}>
                        <td>
                          <Link to={`/requests/${r.id}`}>
                            {r.dryRun ? 'Dry run' : humanize(r.kind)} #{r.id}
                          </Link>
                        </td>
                        <td className="code">{r.typeIdnumber ?? (r.plan ? 'Chosen items' : '–')}</td>
                        <td>{humanize(r.origin)}</td>
                        <td>
                          <RequestStatusBadge status={r.status} />
                        </td>
                        <td>{formatDateTime(r.createdAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ) : null}
          <EraseDialog
            subject={s}
            choice={erase}
            onClose={() => setErase(null)}
            onQueued={(request) => {
              setErase(null);
              toast(`Erasure queued (request ${request.id}).`);
              data.reload();
            }}
          />
        </>
      ) : null}
    </>
  );
}
