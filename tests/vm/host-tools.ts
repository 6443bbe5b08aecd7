/**
 * Host-side commands of the VM harness. Its system packages are the declared list every tier shares
 * (tests/setup/system-packages.ts); the kernel is only downloaded and extracted, see kernel.ts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureSystemPackages } from '../setup/ensure-system-packages.ts';

const execFileAsync = promisify(execFile);

export type Log = (message: string) => void;

export async function run(command: string, args: readonly string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${command} ${args.join(' ')} failed: ${stderr.trim() || String(error)}`, {
      cause: error,
    });
  }
}

/** The VM tier needs the same declared system packages as every tier (tests/setup/system-packages.ts). */
export async function ensureHostPackages(log: Log): Promise<void> {
  await ensureSystemPackages(log);
}
