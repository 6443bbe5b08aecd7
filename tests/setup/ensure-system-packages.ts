/**
 * Installs the Debian packages of SYSTEM_REQUIREMENTS that are missing, with apt (as root), and never
 * anything else: no browser or toolchain download of its own. Used by `npm run test:setup` before any
 * tier runs, and by the VM harness (tests/vm/assets.ts) so `npm run test:vm` alone works too.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { missingPackages, SYSTEM_REQUIREMENTS } from './system-packages.ts';

const execFileAsync = promisify(execFile);

export type Log = (message: string) => void;

async function apt(args: readonly string[]): Promise<void> {
  try {
    await execFileAsync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`apt-get ${args.join(' ')} failed: ${stderr || String(error)}`, { cause: error });
  }
}

/** A fresh machine's package lists may be empty or stale: refresh once, then install. */
async function aptInstall(packages: readonly string[]): Promise<void> {
  const install = ['install', '-y', '--no-install-recommends', ...packages];
  try {
    await apt(install);
  } catch {
    await apt(['update']);
    await apt(install);
  }
}

export async function ensureSystemPackages(log: Log): Promise<void> {
  const missing = missingPackages(existsSync);
  if (missing.length === 0) {
    log(`all ${SYSTEM_REQUIREMENTS.length} system requirements present`);
    return;
  }
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`missing Debian packages and no apt-get here; install: ${missing.join(' ')}`);
  }
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages; run as root, or: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  await aptInstall(missing);
  const still = missingPackages(existsSync);
  if (still.length > 0) throw new Error(`apt-get succeeded but these are still missing: ${still.join(' ')}`);
  log(`installed ${missing.join(' ')}`);
}
