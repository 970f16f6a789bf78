import { type FormEvent, useMemo, useState } from 'react';
import { subjectsApi } from '../../api/endpoints';
import { type Subject, type SubjectStatus, subjectStatuses } from '../../api/types';
import { Badge, SubjectStatusBadge } from '../../components/badge';
import { ErrorMessage } from '../../components/error-message';
import { Loading } from '../../components/loading';
import { EmptyState } from '../../components/notice';
import { PageHeader } from '../../components/page-header';
import { Pager, pagingFrom } from '../../components/pager';
import { useToast } from '../../components/toaster';
import { useResource } from '../../hooks/use-resource';
import { formatDate, humanize, plural } from '../../lib/format';
import { Link, useQueryState } from '../../router';
import { useSession } from '../../session';
import { AnonymizeDialog } from './anonymize-dialog';
import { AssignPurgeTypesDialog } from './assign-purge-types-dialog';
import { BulkStatusDialog } from './bulk-status-dialog';
import { UserOptionsMenu } from './user-options-menu';

function isStatus(value: string | null): value is SubjectStatus {
  return value !== null && (subjectStatuses as readonly string[]).includes(value);
}

/** Every user Lethe manages: search, filter by status, page, select for bulk actions. */
export function UsersPage() {
  const { can } = useSession();
  const toast = useToast();
  const [query, setQuery] = useQueryState();
  const search = query.get('search') ?? '';
  const statusParam = query.get('status');
  const status = isStatus(statusParam) ? statusParam : undefined;
  const kind = query.get('kind') ?? '';
  const { offset, limit } = pagingFrom(query);
  const [searchText, setSearchText] = useState(search);
  const [selected, setSelected] = useState<Map<string, Subject>>(new Map());
  const [bulk, setBulk] = useState<'suspended' | 'deleted' | 'assign' | 'anonymize' | null>(null);

  const key = JSON.stringify({ search, status, kind, offset, limit });
  const page = useResource(key, () =>
    subjectsApi.list({
      ...(search ? { search } : {}),
      ...(status ? { status } : {}),
      ...(kind ? { kind } : {}),
      limit,
      offset,
    }),
  );
  const rows = page.data?.subjects ?? [];
  const selectedList = useMemo(() => [...selected.values()], [selected]);
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.id));

  const toggle = (subject: Subject, on: boolean) =>
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(subject.id, subject);
      else next.delete(subject.id);
      return next;
    });
  const togglePage = (on: boolean) =>
    setSelected((current) => {
      const next = new Map(current);
      for (const r of rows) {
        if (on && !r.anonymous) next.set(r.id, r);
        else next.delete(r.id);
      }
      return next;
    });

  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    setQuery({ search: searchText.trim(), offset: null });
  };
  const done = (message: string) => {
    setBulk(null);
    setSelected(new Map());
    toast(message);
    page.reload();
  };
  const supportSelected = selectedList.filter((s) => s.kind === 'support');

  return (
    <>
      <PageHeader
        title="Users"
        description="The people whose personal data Lethe manages, as the applications report them."
      />
      <search aria-label="Users">
        <form className="filters" onSubmit={submitSearch}>
          <div className="filter filter-wide">
            <label htmlFor="user-search">Search</label>
            <input
              id="user-search"
              type="search"
              placeholder="Name, username, email or id"
              value={searchText}
              onChange={(e) => setSearchText(e.target.value)}
            />
          </div>
          <div className="filter">
            <label htmlFor="user-status">Status</label>
            <select
              id="user-status"
              value={status ?? ''}
              onChange={(e) => setQuery({ status: e.target.value, offset: null })}
            >
              <option value="">Any status</option>
              {subjectStatuses.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          </div>
          <div className="filter">
            <label htmlFor="user-kind">Kind</label>
            <input
              id="user-kind"
              placeholder="Any kind"
              value={kind}
              list="user-kinds"
              onChange={(e) => setQuery({ kind: e.target.value.trim(), offset: null })}
            />
            <datalist id="user-kinds">
              <option value="staff" />
              <option value="learner" />
              <option value="support" />
            </datalist>
          </div>
          <div className="filter filter-actions">
            <button type="submit" className="button button-primary">
              Search
            </button>
            {search || status || kind ? (
              <button
                type="button"
                className="button button-link"
                onClick={() => {
                  setSearchText('');
                  setQuery({ search: null, status: null, kind: null, offset: null });
                }}
              >
                Clear
              </button>
            ) : null}
          </div>
        </form>
      </search>

      {selected.size > 0 ? (
        <section className="bulk-bar" aria-label="Bulk actions">
          <span>
            <strong>{plural(selected.size, 'user')}</strong> selected
          </span>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => setBulk('suspended')}
            disabled={!can('userdata:config')}
          >
            Suspend
          </button>
          <button
            type="button"
            className="button button-danger-outline button-small"
            onClick={() => setBulk('deleted')}
            disabled={!can('userdata:config')}
          >
            Delete
          </button>
          <button
            type="button"
            className="button button-secondary button-small"
            onClick={() => setBulk('assign')}
            disabled={!can('userdata:config')}
          >
            Set purge type…
          </button>
          {supportSelected.length > 0 && can('userdata:anonymise') ? (
            <button
              type="button"
              className="button button-danger-outline button-small"
              onClick={() => setBulk('anonymize')}
            >
              Anonymize {plural(supportSelected.length, 'support user')}
            </button>
          ) : null}
          <button type="button" className="button button-link" onClick={() => setSelected(new Map())}>
            Clear selection
          </button>
        </section>
      ) : null}

      {page.loading ? <Loading /> : null}
      <ErrorMessage error={page.error} title="The users could not be loaded." />
      {page.data && rows.length === 0 ? (
        <EmptyState title="No user matches.">
          <p>Try another search, or clear the filters.</p>
        </EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col" className="col-check">
                  <input
                    type="checkbox"
                    aria-label="Select every user on this page"
                    checked={allOnPage}
                    onChange={(e) => togglePage(e.target.checked)}
                  />
                </th>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Options</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((subject) => {
                const name = subject.fullName || subject.username;
                return (
                  <tr key={subject.id} className={selected.has(subject.id) ? 'row-selected' : undefined}>
                    <td className="col-check">
                      <input
                        type="checkbox"
                        aria-label={`Select ${name}`}
                        checked={selected.has(subject.id)}
                        disabled={subject.anonymous === true}
                        onChange={(e) => toggle(subject, e.target.checked)}
                      />
                    </td>
                    <td>
                      <Link to={`/users/${encodeURIComponent(subject.id)}`}>{name}</Link>
                      {subject.legacy ? (
                        <>
                          {' '}
                          <Badge tone="neutral">Legacy</Badge>
                        </>
                      ) : null}
                      <span className="cell-sub">{subject.username}</span>
                    </td>
                    <td className="truncate" title={subject.email || undefined}>
                      {subject.email || '–'}
                    </td>
                    <td>{subject.kind}</td>
                    <td>
                      <SubjectStatusBadge status={subject.status} />
                      <span className="cell-sub">since {formatDate(subject.statusChangedAt)}</span>
                    </td>
                    <td className="col-actions">
                      <UserOptionsMenu subject={subject} onChanged={page.reload} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {page.data ? (
        <Pager
          total={page.data.total}
          offset={offset}
          limit={limit}
          noun="users"
          onChange={(o, l) => setQuery({ offset: o || null, limit: l === 25 ? null : l })}
        />
      ) : null}

      <BulkStatusDialog
        subjectIds={selectedList.map((s) => s.id)}
        status={bulk === 'suspended' || bulk === 'deleted' ? bulk : null}
        onClose={() => setBulk(null)}
        onDone={(result, s) =>
          done(
            `${plural(result.changed, 'user')} ${s === 'deleted' ? 'deleted' : 'suspended'}${result.unchanged ? `, ${result.unchanged} already were` : ''}.`,
          )
        }
      />
      <AssignPurgeTypesDialog
        subjects={selectedList}
        open={bulk === 'assign'}
        onClose={() => setBulk(null)}
        onDone={() => done(`Purge types of ${plural(selectedList.length, 'user')} saved.`)}
      />
      <AnonymizeDialog
        subjects={supportSelected}
        open={bulk === 'anonymize'}
        onClose={() => setBulk(null)}
        onQueued={(requests) => done(`Anonymization of ${plural(requests.length, 'support user')} queued.`)}
      />
    </>
  );
}
