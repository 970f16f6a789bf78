import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '../../test/support/temp-root.js';
import { loadConfig } from './load-config.js';

function withConfig(worker: unknown): string {
  const dir = testTempDir('lethe-config-');
  writeFileSync(join(dir, 'lethe.config.json'), JSON.stringify({ worker }));
  return dir;
}

describe('worker.retryDelaySeconds', () => {
  it('is 30 by default, and takes 0 (no pause) or any other number of seconds', () => {
    expect(loadConfig({ cwd: testTempDir('lethe-config-'), env: {} }).worker.retryDelaySeconds).toBe(30);
    expect(loadConfig({ cwd: withConfig({ retryDelaySeconds: 0 }), env: {} }).worker.retryDelaySeconds).toBe(
      0,
    );
    expect(
      loadConfig({ cwd: withConfig({ retryDelaySeconds: 2.5 }), env: {} }).worker.retryDelaySeconds,
    ).toBe(2.5);
  });

  it.each([-1, 'thirty', null, true])('refuses %j, naming the setting', (value) => {
    expect(() => loadConfig({ cwd: withConfig({ retryDelaySeconds: value }), env: {} })).toThrow(
      expect.objectContaining({
        code: 'LETHE_E_CONFIG_INVALID',
        message: expect.stringContaining('worker.retryDelaySeconds'),
      }),
    );
  });
});
