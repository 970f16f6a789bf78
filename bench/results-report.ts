import type { BenchFigure, BenchTarget } from './bench-figure.js';

/** Where and when the figures were measured: the header of bench/RESULTS.md. */
export interface MachineDescription {
  /** `git rev-parse HEAD`, with `-dirty` when the working tree had changes. */
  commit: string;
  /** ISO date and time the run started. */
  date: string;
  os: string;
  cpu: string;
  cpus: number;
  memory: string;
  node: string;
  /** `select version()`; undefined when no PostgreSQL server was given. */
  postgres: string | undefined;
  /** The load average while the benchmarks ran (the machine may be shared). */
  load: string | undefined;
}

/** One benchmark's part of the report. */
export interface ReportSection {
  title: string;
  figures: BenchFigure[];
  /** Seconds the benchmark took, set-up included. */
  seconds: number;
  /** The benchmark failed: its message. */
  error?: string;
  /** The benchmark did not run, and why (no PostgreSQL server, say). */
  skipped?: string;
}

export interface TargetVerdict {
  met: boolean;
  /** "met", or "missed by 1.46 x (73% over)". */
  text: string;
}

/** A value as printed: at most two decimals, as many as it has (figures are rounded where they are made). */
export function formatValue(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export function formatTarget(target: BenchTarget, unit: string): string {
  return `${target.op} ${formatValue(target.value)} ${unit}`;
}

/** Whether a figure meets its target, and if not by how much; undefined when it has none. */
export function verdict(figure: BenchFigure): TargetVerdict | undefined {
  const target = figure.target;
  if (!target) return undefined;
  const v = figure.value;
  const t = target.value;
  const met = target.op === '<=' ? v <= t : target.op === '<' ? v < t : target.op === '>=' ? v >= t : v > t;
  if (met) return { met: true, text: 'met' };
  const upper = target.op === '<=' || target.op === '<';
  const by = upper ? v - t : t - v;
  if (by === 0) return { met: false, text: `missed: equal to the limit (${target.op} ${formatValue(t)})` };
  const share = t === 0 ? '' : ` (${Math.round((by / Math.abs(t)) * 100)}% ${upper ? 'over' : 'under'})`;
  return { met: false, text: `missed by ${formatValue(by)} ${figure.unit}${share}` };
}

/** The spread of a figure over its runs, "min–max unit"; empty for a single measurement. */
export function formatSpread(figure: BenchFigure): string {
  if (figure.min === undefined || figure.max === undefined) return '';
  return `${formatValue(figure.min)}–${formatValue(figure.max)} ${figure.unit}`;
}

/** The line `npm run bench` prints for a figure. */
export function figureLine(figure: BenchFigure): string {
  const value = `${formatValue(figure.value).padStart(12)} ${figure.unit}`;
  const notes: string[] = [];
  if (figure.runs !== undefined && figure.runs > 1) {
    notes.push(`median of ${figure.runs}, ${formatSpread(figure)}`);
  }
  if (figure.target) {
    notes.push(`target ${formatTarget(figure.target, figure.unit)}: ${verdict(figure)?.text}`);
  }
  return `${figure.name.padEnd(60)} ${value}${notes.length > 0 ? `  (${notes.join('; ')})` : ''}`;
}

/** A duration as "12 min 3 s", or "42 s" under a minute. */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** Text for one cell of a Markdown table: pipes escaped, line breaks flattened. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

export interface ResultsInput {
  machine: MachineDescription;
  sections: ReportSection[];
  totalSeconds: number;
  /** The limit on the whole run, in seconds (the issue's 15 minutes). */
  totalLimitSeconds: number;
}

/** The Markdown of bench/RESULTS.md: the header, a summary of the targets, and one table per benchmark. */
export function renderResults(input: ResultsInput): string {
  const { machine, sections } = input;
  const out: string[] = [];
  const total = `${formatDuration(input.totalSeconds)} (target under ${formatDuration(input.totalLimitSeconds)}: ${
    input.totalSeconds < input.totalLimitSeconds
      ? 'met'
      : `missed by ${formatDuration(input.totalSeconds - input.totalLimitSeconds)}`
  })`;
  out.push(
    '# Lethe benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts) on the machine below: do not edit by hand, run it again.',
    'Each figure is the median of its runs, with their spread (the lowest and the highest run). A ratio is the',
    'median of the ratios of runs taken side by side in the same process (Lethe and its floor one after the other,',
    'in turns, on identical copies of the data), not a ratio of two medians. The machine may be shared: the load',
    'average below says how busy it was.',
    '',
    '| | |',
    '| --- | --- |',
    `| commit | \`${cell(machine.commit)}\` |`,
    `| date | ${cell(machine.date)} |`,
    `| system | ${cell(machine.os)} |`,
    `| CPU | ${machine.cpus} × ${cell(machine.cpu)} |`,
    `| memory | ${cell(machine.memory)} |`,
    `| Node.js | ${cell(machine.node)} |`,
    `| PostgreSQL | ${machine.postgres ? cell(machine.postgres) : 'not used (LETHE_TEST_PG was not set): its figures are missing'} |`,
    ...(machine.load ? [`| load average | ${cell(machine.load)} |`] : []),
    `| total time | ${total}; the benchmarks, after \`npm run build\` |`,
    '',
  );

  const judged = sections.flatMap((s) =>
    s.figures.flatMap((f) => {
      const v = verdict(f);
      return v ? [{ section: s, figure: f, verdict: v }] : [];
    }),
  );
  const missed = judged.filter((j) => !j.verdict.met);
  const failed = sections.filter((s) => s.error !== undefined);
  const skipped = sections.filter((s) => s.skipped !== undefined);
  out.push('## Targets', '');
  out.push(
    `${judged.length - missed.length} of ${judged.length} targets met` +
      (missed.length > 0 ? `; missed: ${missed.length}.` : '.'),
  );
  if (missed.length > 0) {
    out.push('');
    for (const m of missed)
      out.push(`- ${m.figure.name}: ${formatValue(m.figure.value)} ${m.figure.unit}, ${m.verdict.text}.`);
  }
  if (failed.length > 0) {
    out.push('', `Failed: ${failed.map((s) => s.title).join('; ')}.`);
  }
  if (skipped.length > 0) {
    out.push('', `Not run: ${skipped.map((s) => `${s.title} (${s.skipped})`).join('; ')}.`);
  }
  out.push('');

  for (const section of sections) {
    out.push(`## ${section.title}`, '', `Took ${formatDuration(section.seconds)}.`, '');
    if (section.skipped !== undefined) {
      out.push(`Not run: ${section.skipped}.`, '');
      continue;
    }
    if (section.error !== undefined) {
      out.push(`**Failed:** ${cell(section.error)}`, '');
    }
    if (section.figures.length === 0) continue;
    out.push(
      '| figure | median | spread (min–max) | runs | target | result |',
      '| --- | ---: | --- | ---: | --- | --- |',
    );
    for (const f of section.figures) {
      const v = verdict(f);
      out.push(
        `| ${cell(f.name)} | ${formatValue(f.value)} ${cell(f.unit)} | ${cell(formatSpread(f))} | ${f.runs ?? 1} | ${
          f.target
            ? cell(formatTarget(f.target, f.unit)) + (f.target.source ? ` (${cell(f.target.source)})` : '')
            : ''
        } | ${v ? (v.met ? 'met' : `**${cell(v.text)}**`) : ''} |`,
      );
    }
    out.push('');
    for (const f of section.figures) {
      const v = verdict(f);
      if (!v || v.met) continue;
      out.push(`**Why "${f.name}" misses its target.** ${f.why ?? 'No explanation was recorded.'}`, '');
    }
    for (const f of section.figures) {
      if (f.why && !f.target) out.push(`**${f.name}.** ${f.why}`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
