/**
 * Ferry installed on a server without the repository: `npm pack` (its prepack builds the web app and the
 * CLI bundle), `npm install -g` of the tarball into a temporary prefix, then the installed `ferry` run
 * from an unrelated folder — --version, `serve` with the web app inside, and `receive` against it.
 * Slow (one build and one install per run), so it packs once for all its cases.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FerryProcess, startCommand } from '../support/ferry-process.ts';

const execFileAsync = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
/** The npm that ships with this Node, so the test needs nothing beyond what ran it. */
const NPM = join(dirname(process.execPath), 'npm');
/** PATH for the installed `ferry`, whose `#!/usr/bin/env node` must find this Node. */
const PATH = [dirname(process.execPath), process.env.PATH].join(delimiter);
const PACK_AND_INSTALL_MS = 600_000;

const running: FerryProcess[] = [];
let dir = '';
let prefix = '';
let elsewhere = '';
let packageName = '';

beforeAll(async () => {
  dir = await mkdtemp(`${tmpdir()}/ferry-pack-`);
  prefix = `${dir}/prefix`;
  elsewhere = `${dir}/elsewhere`;
  await mkdir(elsewhere);
  packageName = JSON.parse(await readFile(`${ROOT}/package.json`, 'utf8')).name;
  await execFileAsync(NPM, ['pack', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 1 << 24 });
  const tarball = (await readdir(dir)).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack left no tarball in ${dir}`);
  await execFileAsync(
    NPM,
    ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', `./${tarball}`],
    { cwd: dir, maxBuffer: 1 << 24 },
  );
}, PACK_AND_INSTALL_MS);

afterEach(() => {
  for (const ferry of running.splice(0)) ferry.child.kill('SIGTERM');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function installedFerry(args: string[], env?: NodeJS.ProcessEnv): FerryProcess {
  const ferry = startCommand(`${prefix}/bin/ferry`, args, { cwd: elsewhere, env: { PATH, ...env } });
  running.push(ferry);
  return ferry;
}

async function files(path: string): Promise<string[]> {
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('the npm package, installed with npm install -g', () => {
  it('ships the bundle and the web app, no TypeScript, and only the native modules as dependencies', async () => {
    const installed = `${prefix}/lib/node_modules/${packageName}`;
    const shipped = (await files(installed)).filter((path) => !path.includes('/node_modules/'));
    expect(shipped.filter((path) => path.endsWith('.ts'))).toEqual([]);
    expect(existsSync(`${installed}/dist/cli/ferry.mjs`)).toBe(true);
    expect(existsSync(`${installed}/dist/index.html`)).toBe(true);
    expect(existsSync(`${installed}/dist/ferry-hid.js`)).toBe(true); // the web-api module (docs/web-api.md)
    // tsx is for a clone only: the installed command must not need a compiler.
    expect(existsSync(`${installed}/node_modules/tsx`)).toBe(false);
    expect(await readdir(`${installed}/node_modules/@roamhq`)).toContain('wrtc');
    // ferry list / ferry share <selector>: their prebuilt binaries come in the registry tarballs.
    expect(existsSync(`${installed}/node_modules/node-hid/prebuilds/HID_hidraw-linux-x64`)).toBe(true);
    expect(existsSync(`${installed}/node_modules/usb/prebuilds/linux-x64`)).toBe(true);
  });

  it('ferry list loads node-hid and usb from the installed package (this machine has no device)', async () => {
    const ferry = installedFerry(['list', '--json']);
    expect(await ferry.exited).toBe(0);
    expect(JSON.parse(ferry.stdout.join('\n'))).toEqual([]);
    expect(ferry.stderr).toEqual([]);
  });

  it('prints the version of package.json from any folder', async () => {
    const ferry = installedFerry(['--version']);
    expect(await ferry.exited).toBe(0);
    const { version } = JSON.parse(await readFile(`${ROOT}/package.json`, 'utf8'));
    expect(ferry.stdout).toEqual([version]);
  });

  it('serves the web app and signaling, and ferry receive creates a session through it', async () => {
    const server = installedFerry(['serve', '--port', '0']);
    const line = await server.waitForLine((l) => l.startsWith('Ferry is running at '), 60_000);
    const origin = line.slice('Ferry is running at '.length);
    expect(server.stderr.join('\n')).not.toContain('No built web app found');
    expect(await (await fetch(`${origin}/`)).text()).toContain('<ferry-app');
    expect(await (await fetch(`${origin}/healthz`)).json()).toMatchObject({ ok: true });

    const receiver = installedFerry(['receive', '--signal', origin, '--stats', '60']);
    const link = await receiver.waitForLine((l) => l.includes('/r/'), 60_000);
    expect(link).toMatch(new RegExp(`^${origin}/r/[\\w-]+#[\\w-]+$`));
  });
});
