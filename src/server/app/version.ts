import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: { root: string; version: string } | undefined;

/** The folder of Lethe's package.json (above this file, from src/ or dist/src/), and its version. */
function lethePackage(): { root: string; version: string } {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'lethe' && pkg.version) {
        found = { root: dir, version: pkg.version };
        return found;
      }
    }
    dir = dirname(dir);
  }
  found = { root: process.cwd(), version: '0.0.0' };
  return found;
}

export function letheVersion(): string {
  return lethePackage().version;
}

/** Where the built web console is, when it has been built: `dist/web` in the package. */
export function defaultWebRoot(): string | undefined {
  const root = join(lethePackage().root, 'dist', 'web');
  return existsSync(join(root, 'index.html')) ? root : undefined;
}
