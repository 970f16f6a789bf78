/** One thing wrong with a dataset file: where (a dotted path and, when known, the line) and what. */
export interface DatasetProblem {
  path: string;
  message: string;
  line?: number;
}

/** `FILE:LINE: PATH: MESSAGE`, one line per problem. */
export function formatProblems(file: string, problems: readonly DatasetProblem[]): string {
  return problems
    .map((p) => `${file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.path}: ${p.message}`)
    .join('\n');
}
