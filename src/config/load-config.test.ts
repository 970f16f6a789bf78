import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'lethe-config-'));
}

describe('loadConfig', () => {
  it('uses the defaults when there is no file', () => {
    const config = loadConfig({ cwd: dir(), env: {} });
    expect(config.store).toBe('sqlite:.lethe/lethe.db');
    expect(config.worker.purgeScanInterval).toBe(3600);
    expect(config.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      processes: 1,
      rateLimit: { enabled: true, max: 1200, windowSeconds: 60 },
    });
    expect(Object.isFrozen(config.worker)).toBe(true);
  });

  it('lets the environment and --store override the file, in that order', () => {
    const d = dir();
    writeFileSync(
      join(d, 'lethe.config.json'),
      JSON.stringify({ store: 'sqlite:a.db', server: { port: 9000 } }),
    );
    expect(loadConfig({ cwd: d, env: {} }).store).toBe('sqlite:a.db');
    expect(loadConfig({ cwd: d, env: { LETHE_STORE: 'sqlite:b.db' } }).store).toBe('sqlite:b.db');
    expect(loadConfig({ cwd: d, env: { LETHE_STORE: 'sqlite:b.db' }, store: 'sqlite:c.db' }).store).toBe(
      'sqlite:c.db',
    );
    expect(loadConfig({ cwd: d, env: { PORT: '9100' } }).server.port).toBe(9100);
  });

  it('names the bad value', () => {
    const d = dir();
    writeFileSync(
      join(d, 'lethe.config.json'),
      JSON.stringify({ worker: { maxAttempts: 'three' }, bogus: 1 }),
    );
    expect(() => loadConfig({ cwd: d, env: {} })).toThrow(
      expect.objectContaining({
        code: 'LETHE_E_CONFIG_INVALID',
        message: expect.stringContaining('worker.maxAttempts'),
      }),
    );
  });

  it('reads the API rate limit, and names a bad one', () => {
    const d = dir();
    writeFileSync(
      join(d, 'lethe.config.json'),
      JSON.stringify({ server: { rateLimit: { max: 100, windowSeconds: 10 } } }),
    );
    expect(loadConfig({ cwd: d, env: {} }).server.rateLimit).toEqual({
      enabled: true,
      max: 100,
      windowSeconds: 10,
    });
    writeFileSync(join(d, 'lethe.config.json'), JSON.stringify({ server: { rateLimit: { max: 0 } } }));
    expect(() => loadConfig({ cwd: d, env: {} })).toThrow(
      expect.objectContaining({
        code: 'LETHE_E_CONFIG_INVALID',
        message: expect.stringContaining('server.rateLimit.max'),
      }),
    );
  });

  it('reads server.processes, and names a bad one', () => {
    const d = dir();
    writeFileSync(join(d, 'lethe.config.json'), JSON.stringify({ server: { processes: 4 } }));
    expect(loadConfig({ cwd: d, env: {} }).server.processes).toBe(4);
    for (const processes of [0, 65, 1.5, 'two']) {
      writeFileSync(join(d, 'lethe.config.json'), JSON.stringify({ server: { processes } }));
      expect(() => loadConfig({ cwd: d, env: {} })).toThrow(
        expect.objectContaining({
          code: 'LETHE_E_CONFIG_INVALID',
          message: expect.stringContaining('server.processes'),
        }),
      );
    }
  });

  it('names malformed JSON, a missing explicit file and a bad PORT', () => {
    const d = dir();
    writeFileSync(join(d, 'lethe.config.json'), '{ nope');
    expect(() => loadConfig({ cwd: d, env: {} })).toThrow(
      expect.objectContaining({ code: 'LETHE_E_CONFIG_INVALID' }),
    );
    expect(() => loadConfig({ cwd: dir(), env: {}, file: 'missing.json' })).toThrow(/does not exist/);
    expect(() => loadConfig({ cwd: dir(), env: { PORT: 'eighty' } })).toThrow(/PORT/);
  });
});
