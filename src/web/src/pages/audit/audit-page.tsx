import { type FormEvent, useState } from 'react';
import { auditApi } from '../../api/endpoints';
import type { AuditVerification } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { EmptyState, Notice } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { Pager, pagingFrom } from '../../components/pager';
import { useResource } from '../../hooks/use-resource';
import { dayEndIso, dayStartIso, formatActor, formatDateTime, formatNumber, plural } from '../../lib/format';
import { useQueryState } from '../../router';

const filterKeys = ['actor', 'action', 'targetType', 'targetId'] as const;

/** A short, readable line of an event's details. */
function detailsText(details: Record<string, unknown>): string {
  const text = Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

/** The audit log: every action, who did it and to what, newest first; and a check that the chain is intact. */
export function AuditPage() {
  const [search, setQuery] = useQueryState();
  const { offset, limit } = pagingFrom(search, 50);
  const [draft, setDraft] = useState<Record<string, string>>(() =>
    Object.fromEntries(filterKeys.map((k) => [k, search.get(k) ?? ''])),
  );
  const [verifying, setVerifying] = useState(false);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(undefined);
  const since = dayStartIso(search.get('since') ?? '');
  const until = dayEndIso(search.get('until') ?? '');
  const query = {
    ...Object.fromEntries(filterKeys.map((k) => [k, search.get(k) ?? undefined]).filter(([, v]) => v)),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
  const events = useResource(`audit:${JSON.stringify({ ...query, offset, limit })}`, () =>
    auditApi.list({ ...query, limit, offset }),
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ ...Object.fromEntries(filterKeys.map((k) => [k, draft[k]?.trim() ?? ''])), offset: null });
  };
  const verify = async () => {
    setVerifying(true);
    setVerifyError(undefined);
    setVerification(null);
    try {
      setVerification(await auditApi.verify());
    } catch (error) {
      setVerifyError(error);
    } finally {
      setVerifying(false);
    }
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every action on personal data and configuration. Each event is chained to the one before it by a hash, so any change or deletion shows."
        actions={
          <button
            type="button"
            className="button button-primary"
            onClick={() => void verify()}
            disabled={verifying}
          >
            {verifying ? 'Verifying…' : 'Verify chain'}
          </button>
        }
      />
      <div aria-live="polite">
        {verification?.ok ? (
          <Notice tone="success" title="The chain is intact.">
            <p>{plural(verification.checked, 'event')} checked: none was changed, removed or reordered.</p>
          </Notice>
        ) : null}
        {verification && !verification.ok ? (
          <Notice tone="error" title="The chain does not verify.">
            <p>
              {plural(verification.checked, 'event')} checked;{' '}
              {plural(verification.problems.length, 'problem')}:
            </p>
            <ul className="compact-list">
              {verification.problems.slice(0, 20).map((p) => (
                <li key={`${p.seq}-${p.problem}`}>
                  Event {p.seq}: {p.message}
                </li>
              ))}
            </ul>
          </Notice>
        ) : null}
      </div>
      <ErrorMessage error={verifyError} />
      <form className="filters" onSubmit={submit}>
        <div className="filter filter-wide">
          <label htmlFor="a-action">Action</label>
          <input
            id="a-action"
            placeholder="such as request.create"
            value={draft['action'] ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, action: e.target.value }))}
          />
        </div>
        <div className="filter">
          <label htmlFor="a-actor">Actor</label>
          <input
            id="a-actor"
            placeholder="such as account:1"
            value={draft['actor'] ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, actor: e.target.value }))}
          />
        </div>
        <div className="filter">
          <label htmlFor="a-ttype">Target type</label>
          <input
            id="a-ttype"
            placeholder="such as subject"
            value={draft['targetType'] ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, targetType: e.target.value }))}
          />
        </div>
        <div className="filter">
          <label htmlFor="a-tid">Target id</label>
          <input
            id="a-tid"
            value={draft['targetId'] ?? ''}
            onChange={(e) => setDraft((d) => ({ ...d, targetId: e.target.value }))}
          />
        </div>
        <div className="filter">
          <label htmlFor="a-since">From</label>
          <input
            id="a-since"
            type="date"
            value={search.get('since') ?? ''}
            onChange={(e) => setQuery({ since: e.target.value, offset: null })}
          />
        </div>
        <div className="filter">
          <label htmlFor="a-until">To</label>
          <input
            id="a-until"
            type="date"
            value={search.get('until') ?? ''}
            onChange={(e) => setQuery({ until: e.target.value, offset: null })}
          />
        </div>
        <div className="filter filter-actions">
          <button type="submit" className="button button-primary">
            Filter
          </button>
        </div>
      </form>
      {events.loading ? <Loading /> : null}
      <ErrorMessage error={events.error} />
      {events.data && events.data.events.length === 0 ? <EmptyState title="No event matches." /> : null}
      {events.data && events.data.events.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Audit events</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.data.events.map((e) => (
                <tr key={e.id}>
                  <td className="num">{formatNumber(e.seq)}</td>
                  <td>{formatDateTime(e.at)}</td>
                  <td title={e.actor}>{formatActor(e.actor)}</td>
                  <td className="code">{e.action}</td>
                  <td className="wrap">
                    {e.targetType}
                    {e.targetId ? <span className="code"> {e.targetId.replace(/,/g, ', ')}</span> : null}
                  </td>
                  <td className="wrap wide small muted" title={JSON.stringify(e.details)}>
                    {detailsText(e.details)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {events.data ? (
        <Pager
          total={events.data.total}
          offset={offset}
          limit={limit}
          noun="events"
          onChange={(o, l) => setQuery({ offset: o || null, limit: l === 50 ? null : l })}
        />
      ) : null}
    </>
  );
}
