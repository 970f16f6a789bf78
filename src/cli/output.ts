/** How a command prints: JSON for scripts (`--json`), plain text for people. */
export interface Output {
  json: boolean;
  /** Prints `data` as JSON with --json, else the human text. */
  result(data: unknown, human: () => string): void;
  info(line: string): void;
}

export function createOutput(
  json: boolean,
  write: (s: string) => void = (s) => process.stdout.write(s),
): Output {
  return {
    json,
    result(data, human) {
      write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
    },
    info(line) {
      if (!json) write(`${line}\n`);
    },
  };
}

/** A plain text table with a header row; cells are stringified and padded. */
export function table(headers: string[], rows: unknown[][]): string {
  const cells = rows.map((row) => row.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
