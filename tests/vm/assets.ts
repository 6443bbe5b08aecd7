import { mkdir } from 'node:fs/promises';
import { ensureHostPackages, type Log } from './host-tools.ts';
import { ensureInitramfs } from './initramfs.ts';
import { ensureGuestKernel, type GuestKernel } from './kernel.ts';
import { cacheDir } from './paths.ts';

export interface VmAssets {
  readonly kernel: GuestKernel;
  readonly initramfs: string;
}

export const defaultLog: Log = (message) => console.error(`[vm] ${message}`);

/**
 * Idempotent: installs missing host packages (apt), downloads and extracts the Debian kernel into
 * .vm-cache/, builds the initramfs. A second call does no network or build work.
 */
export async function ensureVmAssets(log: Log = defaultLog): Promise<VmAssets> {
  await mkdir(cacheDir, { recursive: true });
  await ensureHostPackages(log);
  const kernel = await ensureGuestKernel(log);
  const initramfs = await ensureInitramfs(kernel, log);
  return { kernel, initramfs };
}
