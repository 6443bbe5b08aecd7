/**
 * npm 11 runs a dependency's install script only when package.json's `allowScripts` approves it, and
 * warns about every one left undecided. Ferry denies them all (docs/deploy.md): the binaries come prebuilt
 * in the registry tarballs. These tests keep that true — a new dependency with an install script must be
 * decided, and the denied ones must work as installed, with no script run.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const manifest = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};
const require = createRequire(resolve(ROOT, 'package.json'));

/** `node_modules/a/node_modules/@b/c` → `@b/c`. */
function packageName(lockPath: string): string {
  return lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

const withScripts = Object.entries(lock.packages)
  .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
  .map(([path]) => packageName(path));

describe('dependency install scripts', () => {
  it('are each decided in allowScripts, so npm install warns about none', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    const undecided = withScripts.filter((name) => manifest.allowScripts?.[name] === undefined);
    expect(undecided).toEqual([]);
  });

  it('are all denied: nothing an install runs can build or download', () => {
    const approved = Object.entries(manifest.allowScripts ?? {}).filter(([, allowed]) => allowed !== false);
    expect(approved).toEqual([]);
  });

  it('are not needed: the native modules load and esbuild transforms as installed', async () => {
    const usb = require('usb') as { getDeviceList: () => unknown[] };
    expect(Array.isArray(usb.getDeviceList())).toBe(true);
    const hid = require('node-hid') as { devices: () => unknown[] };
    expect(Array.isArray(hid.devices())).toBe(true);
    const esbuild = (await import('esbuild')) as typeof import('esbuild');
    const { code } = await esbuild.transform('const x: number = 1', { loader: 'ts' });
    expect(code).toBe('const x = 1;\n');
  });
});
