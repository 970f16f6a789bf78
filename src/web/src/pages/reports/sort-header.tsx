import type { ReactNode } from 'react';

interface SortHeaderProps {
  column: string;
  /** The current sort, `column:asc|desc` (or just `column`). */
  sort: string;
  /** The report's default, used when `sort` is empty. */
  defaultSort: string;
  onSort: (sort: string) => void;
  children: ReactNode;
  className?: string;
}

function parse(sort: string): [string, 'asc' | 'desc'] {
  const [column = '', direction] = sort.split(':');
  return [column, direction === 'asc' ? 'asc' : 'desc'];
}

/** A column header that sorts the report by its column (click again to reverse), announced with aria-sort. */
export function SortHeader({ column, sort, defaultSort, onSort, children, className }: SortHeaderProps) {
  const [current, direction] = parse(sort || defaultSort);
  const active = current === column;
  const next = active && direction === 'desc' ? 'asc' : 'desc';
  return (
    <th
      scope="col"
      className={className}
      aria-sort={active ? (direction === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <button type="button" className="sort-button" onClick={() => onSort(`${column}:${next}`)}>
        {children}
        <span aria-hidden="true" className="sort-mark">
          {active ? (direction === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}
