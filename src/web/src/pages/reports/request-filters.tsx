import { type RequestStatus, requestOrigins, requestStatuses } from '../../api/types';
import { humanize } from '../../lib/format';

export interface TypeOption {
  value: string;
  name: string;
}

interface RequestFiltersProps {
  search: URLSearchParams;
  set: (changes: Record<string, string | null>) => void;
  types: TypeOption[];
  statuses?: readonly RequestStatus[];
  /** The whole report as CSV, with these filters. */
  csvHref: string;
  /** Purges: dry runs or not. */
  dryRun?: boolean;
}

/** Status, type, origin and dates: kept in the address, so a filtered report can be bookmarked. */
export function RequestFilters({
  search,
  set,
  types,
  statuses = requestStatuses,
  csvHref,
  dryRun,
}: RequestFiltersProps) {
  const change = (key: string) => (e: { target: { value: string } }) =>
    set({ [key]: e.target.value, offset: null });
  return (
    <div className="filters">
      <div className="filter">
        <label htmlFor="f-subject">User id</label>
        <input
          id="f-subject"
          type="search"
          defaultValue={search.get('subject') ?? ''}
          onKeyDown={(e) => {
            if (e.key === 'Enter') set({ subject: e.currentTarget.value.trim(), offset: null });
          }}
          onBlur={(e) => set({ subject: e.currentTarget.value.trim(), offset: null })}
        />
      </div>
      <div className="filter">
        <label htmlFor="f-status">Status</label>
        <select id="f-status" value={search.get('status') ?? ''} onChange={change('status')}>
          <option value="">Any status</option>
          {statuses.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor="f-type">Type</label>
        <select id="f-type" value={search.get('type') ?? ''} onChange={change('type')}>
          <option value="">Any type</option>
          {types.map((t) => (
            <option key={t.value} value={t.value}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div className="filter">
        <label htmlFor="f-origin">Origin</label>
        <select id="f-origin" value={search.get('origin') ?? ''} onChange={change('origin')}>
          <option value="">Any origin</option>
          {requestOrigins.map((o) => (
            <option key={o} value={o}>
              {humanize(o)}
            </option>
          ))}
        </select>
      </div>
      {dryRun ? (
        <div className="filter">
          <label htmlFor="f-dry">Dry runs</label>
          <select id="f-dry" value={search.get('dryRun') ?? ''} onChange={change('dryRun')}>
            <option value="">Included</option>
            <option value="false">Left out</option>
            <option value="true">Only dry runs</option>
          </select>
        </div>
      ) : null}
      <div className="filter">
        <label htmlFor="f-from">From</label>
        <input id="f-from" type="date" value={search.get('from') ?? ''} onChange={change('from')} />
      </div>
      <div className="filter">
        <label htmlFor="f-to">To</label>
        <input id="f-to" type="date" value={search.get('to') ?? ''} onChange={change('to')} />
      </div>
      <div className="filter filter-actions">
        <a className="button button-secondary" href={csvHref} download>
          Download CSV
        </a>
      </div>
    </div>
  );
}
