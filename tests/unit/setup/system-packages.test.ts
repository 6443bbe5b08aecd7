/**
 * Keeps the one declared list of system packages (tests/setup/system-packages.ts) true: every absolute
 * system path a test or the bench names, and every program it spawns by name, must be on it — so
 * `npm run test:setup` installs everything on a fresh machine before any tier runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missingPackages, SYSTEM_REQUIREMENTS } from '../../setup/system-packages.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
/** Programs every Debian system has (Essential: yes), so they need no entry. */
const ESSENTIAL = new Set(['sh', 'node']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return /\.(ts|js|sh)$/.test(entry.name) ? [path] : [];
  });
}

const files = [...sources(join(ROOT, 'tests')), ...sources(join(ROOT, 'bench'))].filter(
  // Paths inside the guest's own initramfs, not the host's.
  (file) => !file.endsWith('tests/vm/guest/init.sh') && !file.endsWith('tests/vm/guest/agent.sh'),
);
const declaredPaths = new Set(SYSTEM_REQUIREMENTS.map((r) => r.path));
const declaredPrograms = new Set(SYSTEM_REQUIREMENTS.map((r) => basename(r.path)));

function matches(pattern: RegExp): Array<{ file: string; value: string }> {
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(pattern)].map((m) => ({ file, value: m[1] ?? '' })),
  );
}

describe('the declared system packages', () => {
  it('cover every system path named in tests/ and bench/', () => {
    const named = matches(/['"`]((?:\/usr|\/bin|\/sbin|\/lib)\/[\w./+-]+)/g);
    expect(named.length).toBeGreaterThan(5);
    const undeclared = named.filter((n) => !declaredPaths.has(n.value));
    expect(undeclared).toEqual([]);
  });

  it('cover every program spawned by name in tests/ and bench/', () => {
    const spawned = matches(
      /\b(?:spawn|spawnSync|execFile|execFileSync|execFileAsync|run)\(\s*['"]([\w.+-]+)['"]/g,
    );
    expect(spawned.length).toBeGreaterThan(3);
    const undeclared = spawned.filter((s) => !declaredPrograms.has(s.value) && !ESSENTIAL.has(s.value));
    expect(undeclared).toEqual([]);
  });

  it('names usbip, which the unit and e2e tiers run', () => {
    expect(SYSTEM_REQUIREMENTS.find((r) => r.path === '/usr/sbin/usbip')?.pkg).toBe('usbip');
  });

  it('asks for each missing package once', () => {
    expect(missingPackages((path) => path !== '/usr/bin/apt-get' && path !== '/usr/bin/apt-cache')).toEqual([
      'apt',
    ]);
    expect(missingPackages(() => true)).toEqual([]);
  });
});
