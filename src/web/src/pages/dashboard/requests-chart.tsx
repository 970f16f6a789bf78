import { useId } from 'react';
import type { DashboardPoint, RequestKind, RequestStatus } from '../../api/types';
import { formatNumber, humanize } from '../../lib/format';

const stackOrder: RequestStatus[] = [
  'succeeded',
  'running',
  'pending',
  'failed',
  'timed-out',
  'cancelled',
  'expired',
];

/** The days from `days - 1` ago to today, as YYYY-MM-DD (local time). */
export function lastDays(days: number, today: Date = new Date()): string[] {
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - i);
    out.push(
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`,
    );
  }
  return out;
}

interface ChartProps {
  kind: RequestKind;
  points: DashboardPoint[];
  days: string[];
}

const width = 520;
const height = 200;
const pad = { top: 12, right: 8, bottom: 28, left: 36 };

/** A stacked bar chart of one kind's requests per day, by status, with the numbers in a table for screen readers. */
export function RequestsChart({ kind, points, days }: ChartProps) {
  const titleId = useId();
  const byDay = new Map<string, Map<RequestStatus, number>>();
  for (const p of points) {
    if (p.kind !== kind) continue;
    const day = byDay.get(p.date) ?? new Map<RequestStatus, number>();
    day.set(p.status, (day.get(p.status) ?? 0) + p.count);
    byDay.set(p.date, day);
  }
  const totals = days.map((d) => [...(byDay.get(d)?.values() ?? [])].reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(2, slot * 0.7);
  const total = totals.reduce((a, b) => a + b, 0);
  const present = stackOrder.filter((s) =>
    points.some((p) => p.kind === kind && p.status === s && p.count > 0),
  );
  const label = kind === 'export' ? 'Exports' : 'Purges';
  const ticks = [0, Math.ceil(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);

  return (
    <figure className="chart">
      <figcaption id={titleId}>
        <span className="chart-title">{label}</span>{' '}
        <span className="muted small">
          {formatNumber(total)} in the last {days.length} days
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={titleId}
        className="chart-svg"
        preserveAspectRatio="xMidYMid meet"
      >
        <title>{`${label} per day, by status`}</title>
        {ticks.map((t) => {
          const y = pad.top + plotH - (t / max) * plotH;
          return (
            <g key={t}>
              <line x1={pad.left} x2={width - pad.right} y1={y} y2={y} className="chart-grid" />
              <text x={pad.left - 6} y={y + 4} textAnchor="end" className="chart-axis">
                {t}
              </text>
            </g>
          );
        })}
        {days.map((day, i) => {
          const statuses = byDay.get(day);
          let y = pad.top + plotH;
          const x = pad.left + i * slot + (slot - barW) / 2;
          return (
            <g key={day}>
              {stackOrder.map((status) => {
                const n = statuses?.get(status) ?? 0;
                if (n === 0) return null;
                const h = (n / max) * plotH;
                y -= h;
                return (
                  <rect key={status} x={x} y={y} width={barW} height={h} className={`bar bar-${status}`}>
                    <title>{`${day}: ${n} ${status}`}</title>
                  </rect>
                );
              })}
            </g>
          );
        })}
        {days.map((day, i) =>
          i % Math.ceil(days.length / 6) === 0 || i === days.length - 1 ? (
            <text
              key={day}
              x={pad.left + i * slot + slot / 2}
              y={height - 8}
              textAnchor="middle"
              className="chart-axis"
            >
              {day.slice(5)}
            </text>
          ) : null,
        )}
      </svg>
      <ul className="legend" aria-label={`${label}: statuses`}>
        {(present.length > 0 ? present : (['succeeded', 'failed'] as RequestStatus[])).map((s) => (
          <li key={s}>
            <svg width="10" height="10" aria-hidden="true" className="legend-swatch">
              <rect width="10" height="10" rx="2" className={`bar bar-${s}`} />
            </svg>
            {humanize(s)}
          </li>
        ))}
      </ul>
      <details className="chart-data">
        <summary>{label} as a table</summary>
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">Day</th>
              {stackOrder.map((s) => (
                <th scope="col" key={s}>
                  {humanize(s)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days
              .filter((d) => byDay.has(d))
              .map((day) => (
                <tr key={day}>
                  <th scope="row">{day}</th>
                  {stackOrder.map((s) => (
                    <td key={s}>{byDay.get(day)?.get(s) ?? 0}</td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
