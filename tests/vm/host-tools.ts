/**
 * Host-side prerequisites of the VM harness, installed with apt on demand (never the kernel: that is
 * only downloaded and extracted into .vm-cache/, see kernel.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export type Log = (message: string) => void;

/** What must exist on the host, and the Debian package that provides it. */
const REQUIRED: readonly { path: string; pkg: string }[] = [
  { path: '/usr/bin/qemu-system-x86_64', pkg: 'qemu-system-x86' },
  { path: '/bin/busybox', pkg: 'busybox-static' },
  { path: '/usr/sbin/depmod', pkg: 'kmod' },
  // Run by the guest from the host's root over 9p, for the usbip tests.
  { path: '/usr/sbin/usbip', pkg: 'usbip' },
  // Builds the static C helpers (tests/vm/*.c) that do what Node cannot, e.g. hidraw ioctls.
  { path: '/usr/bin/gcc', pkg: 'gcc' },
  { path: '/usr/lib/x86_64-linux-gnu/libc.a', pkg: 'libc6-dev' },
];

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

/** apt waits for a lock held by a parallel apt run instead of failing at once. */
async function aptInstall(packages: readonly string[]): Promise<void> {
  const args = ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', ...packages];
  try {
    await run('apt-get', args);
  } catch {
    // Usually stale package lists; refresh once and retry.
    await run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update']);
    await run('apt-get', args);
  }
}

export async function ensureHostPackages(log: Log): Promise<void> {
  const missing = [...new Set(REQUIRED.filter((r) => !existsSync(r.path)).map((r) => r.pkg))];
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `the VM harness needs these Debian packages: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  log(`installing host packages: ${missing.join(' ')}`);
  process.env.DEBIAN_FRONTEND = 'noninteractive';
  await aptInstall(missing);
}
