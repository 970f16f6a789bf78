import { useState } from 'react';
import { subjectsApi } from '../../api/endpoints';
import type { EraseMode, Item } from '../../api/types';
import { Badge, RequestStatusBadge } from '../../components/badge';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { EmptyState, Notice } from '../../components/notice';
import { OptionsMenu } from '../../components/options-menu';
import { PageHeader } from '../../components/page-header';
import { useToast } from '../../components/toaster';
import { formatNumber, humanize, plural } from '../../lib/format';
import { groupItems, modeAvailability, modeLabels } from '../../lib/items';
import { Link, navigate } from '../../router';
import { countOf, type SubjectData, useSubjectData } from '../user-data/use-subject-data';
import { DeactivateDialog } from './deactivate-dialog';
import { type EraseChoice, EraseDialog } from './erase-dialog';

const erasable = (item: Item) => Object.keys(item.modes).length > 0;

/** What has become of an item's data: Pending (some left), Done (erased), No data, Error (with why). */
function StateBadge({ state, error }: { state: string; error?: string | undefined }) {
  switch (state) {
    case 'done':
      return <Badge tone="success">Done</Badge>;
    case 'pending':
      return <Badge tone="warning">Pending</Badge>;
    case 'empty':
      return <Badge tone="neutral">No data</Badge>;
    case 'error':
      return (
        <span>
          <Badge tone="danger">Error</Badge> <span className="small muted">{error}</span>
        </span>
      );
    default:
      return <span className="muted">–</span>;
  }
}

/** Items that still hold data, and those whose count is unknown (they can't count, or counting failed). */
function leftOf(data: SubjectData, items: Item[]) {
  const left = items.filter((i) => (countOf(data, i.key) ?? 0) > 0);
  const unknown = data.counts === undefined ? [] : items.filter((i) => countOf(data, i.key) === null);
  const records = left.reduce((sum, i) => sum + (countOf(data, i.key) ?? 0), 0);
  return { left, unknown, records };
}

/**
 * Delete personal data (Liferay's flow): deactivate first, then pick items grouped by application, anonymize or delete
 * each or all selected, confirm, and see what is left; delete the user once nothing is.
 */
export function DeleteDataPage({ id }: { id: string }) {
  const toast = useToast();
  const data = useSubjectData(id, true);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [erase, setErase] = useState<EraseChoice | null>(null);
  const [deactivateDismissed, setDeactivateDismissed] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const d = data.data;
  const s = d?.subject;
  const name = s ? s.fullName || s.username : id;
  const base = `/users/${encodeURIComponent(id)}`;
  const items = d ? d.items.filter(erasable) : [];
  const groups = groupItems(items);
  const { left, unknown, records } = d ? leftOf(d, items) : { left: [], unknown: [], records: 0 };
  const active = s?.status === 'active';
  const busy = (d?.open.length ?? 0) > 0;
  const chosen = items.filter((i) => selected.has(i.key));
  const erasableNow = s
    ? left.filter((i) =>
        ['anonymise', 'delete'].some((m) => modeAvailability(i, m as EraseMode, s.status).allowed),
      )
    : [];

  const setMany = (keys: string[], on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const k of keys) {
        if (on) next.add(k);
        else next.delete(k);
      }
      return next;
    });

  const modeAction = (mode: EraseMode, targets: Item[]) => {
    const usable = s ? targets.filter((i) => modeAvailability(i, mode, s.status).allowed) : [];
    const reason = active
      ? 'Deactivate the user first.'
      : busy
        ? 'Wait for the running request to finish.'
        : targets.length === 0
          ? 'Select items first.'
          : usable.length === 0
            ? targets.length === 1
              ? (() => {
                  const a = s && targets[0] ? modeAvailability(targets[0], mode, s.status) : null;
                  return a && !a.allowed ? a.reason : 'Not allowed.';
                })()
              : `None of the selected items can be ${mode === 'anonymise' ? 'anonymized' : 'deleted'} while the user is ${s?.status}.`
            : undefined;
    return {
      label: targets.length > 1 ? `${modeLabels[mode]} (${usable.length})` : modeLabels[mode],
      onSelect: () => setErase({ mode, items: targets }),
      disabled: reason !== undefined,
      reason,
      danger: true,
    };
  };

  return (
    <>
      <PageHeader
        title="Delete personal data"
        description={`Anonymize or delete ${name}'s data, application by application. Every step is recorded.`}
        breadcrumbs={[
          { label: 'Users', to: '/users' },
          { label: name, to: base },
        ]}
      />
      {data.loading ? <Loading /> : null}
      <ErrorMessage error={data.error} title="This user could not be loaded." />
      {d && s ? (
        <>
          {active ? (
            <Notice tone="warning" title={`${name} is active.`}>
              <p>Deactivate the user before deleting their personal data.</p>
              <button
                type="button"
                className="button button-primary button-small"
                onClick={() => setDeactivateDismissed(false)}
              >
                Deactivate user…
              </button>
            </Notice>
          ) : null}
          {d.counts === undefined ? (
            <Notice
              tone="warning"
              title="The counts of this user's data are not available, so what is left can't be shown."
            >
              <ErrorMessage error={d.countsError} />
            </Notice>
          ) : null}
          {busy ? (
            <Notice tone="info" title="Working…">
              {d.open.map((r) => (
                <p key={r.id}>
                  <span className="spinner" aria-hidden="true" />{' '}
                  <Link to={`/requests/${r.id}`}>
                    {humanize(r.kind)} #{r.id}
                  </Link>{' '}
                  <RequestStatusBadge status={r.status} /> This page updates when it is done.
                </p>
              ))}
            </Notice>
          ) : null}

          {d.counts !== undefined ? (
            <section className="card" aria-labelledby="left-heading" aria-live="polite">
              <h2 id="left-heading">What is left</h2>
              {unknown.length > 0 ? (
                <p className="muted small">
                  {plural(unknown.length, 'item')} can't say how much data{' '}
                  {unknown.length === 1 ? 'it holds' : 'they hold'}: {unknown.map((i) => i.title).join(', ')}.
                </p>
              ) : null}
              {left.length === 0 ? (
                <>
                  <p>
                    <Badge tone="success">Done</Badge> Nothing is left: no item holds personal data of {name}.
                  </p>
                  {s.status !== 'deleted' ? (
                    <button
                      type="button"
                      className="button button-danger"
                      onClick={() => setConfirmDelete(true)}
                    >
                      Delete user
                    </button>
                  ) : (
                    <p className="muted">The user is deleted.</p>
                  )}
                </>
              ) : (
                <>
                  <p>
                    {plural(records, 'record')} left in {plural(left.length, 'item')}:{' '}
                    {left.map((i) => i.title).join(', ')}.
                  </p>
                  {!active && erasableNow.length === 0 && s.status !== 'deleted' ? (
                    <>
                      <p>
                        What is left can't be erased while the user is {s.status}: those items allow it only
                        once the user is deleted.
                      </p>
                      <button
                        type="button"
                        className="button button-danger"
                        onClick={() => setConfirmDelete(true)}
                      >
                        Delete user
                      </button>
                    </>
                  ) : null}
                </>
              )}
            </section>
          ) : null}

          <div className="bulk-bar">
            <span>
              <strong>{plural(chosen.length, 'item')}</strong> selected
            </span>
            <OptionsMenu
              label="All selected"
              text="All selected"
              items={[modeAction('anonymise', chosen), modeAction('delete', chosen)]}
            />
            <button
              type="button"
              className="button button-link"
              onClick={() =>
                setMany(
                  left.map((i) => i.key),
                  true,
                )
              }
            >
              Select everything left
            </button>
            {selected.size > 0 ? (
              <button type="button" className="button button-link" onClick={() => setSelected(new Set())}>
                Clear selection
              </button>
            ) : null}
          </div>

          {groups.length === 0 ? <EmptyState title="No item can erase data." /> : null}
          {groups.map((group) => {
            const keys = group.items.map((i) => i.key);
            const all = keys.every((k) => selected.has(k));
            const some = keys.some((k) => selected.has(k));
            const total = group.items.reduce((sum, i) => sum + (countOf(d, i.key) ?? 0), 0);
            return (
              <div key={group.component} className="card app-group">
                <div className="app-group-header">
                  <input
                    type="checkbox"
                    checked={all}
                    ref={(el) => {
                      if (el) el.indeterminate = some && !all;
                    }}
                    onChange={(e) => setMany(keys, e.target.checked)}
                    aria-label={`Select every item of ${group.label}`}
                  />
                  <h2 id={`dg-${group.component}`}>{group.label}</h2>
                  <span className="count">
                    {d.counts ? (
                      <Badge tone={total > 0 ? 'warning' : 'success'}>{plural(total, 'record')}</Badge>
                    ) : null}
                  </span>
                  <OptionsMenu
                    label={`Actions for ${group.label}`}
                    variant="icon"
                    items={[modeAction('anonymise', group.items), modeAction('delete', group.items)]}
                  />
                </div>
                <div className="table-wrap">
                  <table className="table">
                    <thead>
                      <tr>
                        <th scope="col" className="col-check">
                          <span className="visually-hidden">Select</span>
                        </th>
                        <th scope="col">Item</th>
                        <th scope="col" className="num">
                          Records
                        </th>
                        <th scope="col">State</th>
                        <th scope="col">
                          <span className="visually-hidden">Actions</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {group.items.map((item) => {
                        const count = countOf(d, item.key);
                        const entry = d.counts?.get(item.key);
                        const state =
                          entry?.state ?? (count === null ? 'unknown' : count > 0 ? 'pending' : 'done');
                        return (
                          <tr key={item.key} className={selected.has(item.key) ? 'row-selected' : undefined}>
                            <td className="col-check">
                              <input
                                type="checkbox"
                                checked={selected.has(item.key)}
                                onChange={(e) => setMany([item.key], e.target.checked)}
                                aria-label={`Select ${item.title}`}
                              />
                            </td>
                            <th scope="row">
                              {item.title}
                              {item.help ? <span className="matrix-help">{item.help}</span> : null}
                            </th>
                            <td className="num">{count === null ? '–' : formatNumber(count)}</td>
                            <td>
                              <StateBadge state={state} error={entry?.error} />
                            </td>
                            <td className="col-actions">
                              <OptionsMenu
                                label={`Actions for ${item.title}`}
                                variant="icon"
                                items={[
                                  { ...modeAction('anonymise', [item]), hidden: !item.modes.anonymise },
                                  { ...modeAction('delete', [item]), hidden: !item.modes.delete },
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

          <DeactivateDialog
            subject={s}
            open={active && !deactivateDismissed}
            onClose={() => setDeactivateDismissed(true)}
            onDone={() => {
              toast(`${name} is deactivated.`);
              data.reload();
            }}
          />
          <EraseDialog
            subject={s}
            choice={erase}
            onClose={() => setErase(null)}
            onQueued={(request) => {
              setErase(null);
              setSelected(new Set());
              toast(`Request ${request.id} queued.`);
              data.reload();
            }}
          />
          <ConfirmDialog
            open={confirmDelete}
            title={`Delete ${name}?`}
            confirmLabel="Delete user"
            danger
            onClose={() => setConfirmDelete(false)}
            onConfirm={async () => {
              await subjectsApi.deleteIfClean(s.id);
              setConfirmDelete(false);
              toast(`${name} is deleted.`);
              navigate(base);
            }}
          >
            <p>
              The user is marked <strong>deleted</strong>. Their record stays in the reports (deleted users),
              and if the purge type for deleted users allows automatic purges, it runs at the next scan.
            </p>
          </ConfirmDialog>
        </>
      ) : null}
    </>
  );
}
