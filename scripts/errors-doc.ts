// Writes docs/errors.md from the error catalogue: `node dist/scripts/errors-doc.js`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCodes } from '../src/errors/error-codes.js';

const lines = [
  '# Error codes',
  '',
  'Every error Lethe reports on purpose has a stable code. The CLI prints `error CODE: message` and exits 2;',
  'the API answers `{ "error": { "code", "message", "details" } }` with the HTTP status below.',
  '',
  '| code | HTTP | meaning |',
  '| --- | --- | --- |',
  ...Object.entries(errorCodes).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.summary} |`),
  '',
];
writeFileSync(join(process.argv[2] ?? 'docs', 'errors.md'), lines.join('\n'));
