import { useRef } from 'react';
import { useFocusRescue } from '../hooks/use-focus-rescue';
import { formatNumber } from '../lib/format';

interface PagerProps {
  total: number;
  offset: number;
  limit: number;
  onChange: (offset: number, limit: number) => void;
  /** What is counted: "users", "events". */
  noun: string;
}

export const pageSizes = [25, 50, 100];

/**
 * "Showing 51–100 of 500 users", Previous / Next, and the page size. Focus stays in the pager when the button that
 * has it turns off (Next on the last page, or a live refresh that shrinks the total): it moves to the other one.
 */
export function Pager({ total, offset, limit, onChange, noun }: PagerProps) {
  const ref = useRef<HTMLElement>(null);
  useFocusRescue(ref);
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav ref={ref} className="pager" aria-label={`Pages of ${noun}`}>
      <p className="pager-summary" aria-live="polite">
        {total === 0
          ? `No ${noun}`
          : `Showing ${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(total)} ${noun}`}
      </p>
      <div className="pager-controls">
        <label className="inline-label">
          Per page{' '}
          <select value={limit} onChange={(e) => onChange(0, Number(e.target.value))}>
            {pageSizes.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={offset === 0}
          onClick={() => onChange(Math.max(0, offset - limit), limit)}
        >
          Previous
        </button>
        <span className="pager-page">
          Page {formatNumber(page)} of {formatNumber(pages)}
        </span>
        <button
          type="button"
          className="button button-secondary button-small"
          disabled={offset + limit >= total}
          onClick={() => onChange(offset + limit, limit)}
        >
          Next
        </button>
      </div>
    </nav>
  );
}

/** Reads offset and limit from the query, safely. */
export function pagingFrom(search: URLSearchParams, defaultLimit = 25): { offset: number; limit: number } {
  const limit = Number(search.get('limit'));
  const offset = Number(search.get('offset'));
  return {
    limit: pageSizes.includes(limit) ? limit : defaultLimit,
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}
