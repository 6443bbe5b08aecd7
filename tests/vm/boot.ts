/**
 * Boots the test VM, runs one command (default: a short self-check) and prints the result.
 *   npx tsx tests/vm/boot.ts ['uname -r; ls /dev/hidraw*']
 */
import { startVm } from './harness.ts';

const SELF_CHECK = 'uname -r; node --version; usbip version; ip -4 addr show eth0 | grep inet; lsmod | wc -l';

const vm = await startVm();
try {
  const started = Date.now();
  const result = await vm.run(process.argv[2] ?? SELF_CHECK, { timeoutMs: 120_000 });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  console.error(`[vm] boot ${vm.bootMs} ms, command ${Date.now() - started} ms, exit ${result.exitCode}`);
  process.exitCode = result.exitCode;
} finally {
  await vm.stop();
}
