/**
 * The harness itself: the guest sees the host directories it needs at their own paths wherever they
 * live — also below /tmp, /run, /root and /var/tmp, which the guest covers with its own tmpfs — while
 * its /tmp stays its own. (A checkout at /tmp/x once lost node_modules and .vm-cache in the guest.)
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultGuestPaths } from './guest-paths.ts';
import { startVm, type Vm } from './harness.ts';
import { repoRoot } from './paths.ts';

const COVERED_ROOTS = ['/tmp', '/run', '/root', '/var/tmp'];

describe('host paths inside the VM', () => {
  const dirs: string[] = [];
  const marker = randomUUID();
  let vm: Vm;

  beforeAll(async () => {
    for (const root of COVERED_ROOTS) {
      const dir = await mkdtemp(`${root}/ferry-guest-paths-`);
      await writeFile(`${dir}/marker`, `${marker} ${root}\n`);
      dirs.push(dir);
    }
    vm = await startVm({ guestPaths: [...defaultGuestPaths, ...dirs] });
  }, 300_000);
  afterAll(async () => {
    await vm?.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('shows a directory below each tmpfs-covered root at its own path', async () => {
    for (const [i, dir] of dirs.entries()) {
      expect(await vm.runOk(`cat '${dir}/marker'`)).toBe(`${marker} ${COVERED_ROOTS[i]}\n`);
    }
  });

  it('shows the repository with its node_modules and VM cache', async () => {
    const hostPackage = await readFile(`${repoRoot}package.json`, 'utf8');
    expect(await vm.runOk(`cat '${repoRoot}package.json'`)).toBe(hostPackage);
    await vm.runOk(`test -x '${repoRoot}node_modules/.bin/tsx' && test -d '${repoRoot}.vm-cache/kernel'`);
    expect(await vm.runOk(`cd '${repoRoot}' && node -e "console.log(require('./package.json').name)"`)).toBe(
      'ferry\n',
    );
  });

  it('keeps the guest /tmp its own', async () => {
    const name = `ferry-guest-only-${marker}`;
    await vm.runOk(`echo guest > /tmp/${name}`);
    expect(existsSync(`/tmp/${name}`)).toBe(false);
  });
});
