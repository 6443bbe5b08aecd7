/**
 * Makes sure Debian's Chromium is installed at /usr/bin/chromium for the browser tests (`npm run
 * test:setup`). On a fresh Debian machine (run as root) it installs the `chromium` package with apt;
 * it never downloads a browser any other way.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

function fail(message: string): never {
  console.error(`ensure-chromium: ${message}`);
  process.exit(1);
}

function run(command: string, args: readonly string[]): void {
  console.log(`ensure-chromium: running ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0)
    fail(`${command} ${args.join(' ')} exited with status ${result.status ?? result.signal}`);
}

function chromiumVersion(): string | undefined {
  const result = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

if (existsSync(CHROMIUM)) {
  console.log(
    `ensure-chromium: found ${CHROMIUM} (${chromiumVersion() ?? 'version unknown'}), nothing to do`,
  );
  process.exit(0);
}

if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  fail(`${CHROMIUM} is missing and this is not a Debian-like system with apt-get; install Chromium yourself`);
}
if (process.getuid?.() !== 0) {
  fail(`${CHROMIUM} is missing; run as root (or: sudo apt-get install -y chromium) to install it`);
}

console.log(`ensure-chromium: ${CHROMIUM} is missing, installing Debian's chromium package`);
run('apt-get', ['update']);
run('apt-get', ['install', '-y', 'chromium']);

if (!existsSync(CHROMIUM)) fail(`apt-get reported success but ${CHROMIUM} still does not exist`);
console.log(`ensure-chromium: installed ${chromiumVersion() ?? CHROMIUM}`);
