/**
 * What the full-path VM tests do with a hidraw node in the guest, through tests/vm/hidraw-probe.c
 * (reads, writes and the feature ioctls that Node cannot issue). The guest runs one agent command at a
 * time, so a long read runs in the background and writes its lines to a file.
 */
import type { Vm } from './harness.ts';

const READ_FILE = '/tmp/hidraw-read.txt';

/** A guest shell loop: retry `test` every 0.2 s for about `seconds`, then fail with `onFail`. */
function waitUntil(test: string, seconds: number, onFail = 'exit 1'): string {
  return `for i in $(seq ${seconds * 5}); do ${test} && exit 0; sleep 0.2; done; ${onFail}`;
}

export class GuestHidraw {
  constructor(
    private readonly vm: Vm,
    private readonly probe: string,
  ) {}

  /** The one /dev/hidraw* node once it exists (the tests present one device at a time). */
  async waitForNode(seconds = 60): Promise<string> {
    const oneNode = 'set -- /dev/hidraw*; [ -e "$1" ] && [ $# -eq 1 ] && echo "$1"';
    const script = waitUntil(oneNode, seconds, 'ls /dev/hidraw* >&2; dmesg | tail -20 >&2; exit 1');
    return (await this.vm.runOk(script, { timeoutMs: (seconds + 5) * 1000 })).trim();
  }

  /** True once `node` has disappeared (the device was unplugged / destroyed). */
  async waitGone(node: string, seconds = 15): Promise<boolean> {
    const result = await this.vm.run(waitUntil(`[ ! -e ${node} ]`, seconds), {
      timeoutMs: (seconds + 5) * 1000,
    });
    return result.exitCode === 0;
  }

  /** Starts reading `count` reports in the background; resolves once the reader has the node open. */
  async startReading(node: string, count: number): Promise<void> {
    await this.vm.runOk(
      `rm -f ${READ_FILE}; setsid sh -c '${this.probe} read ${node} ${count} 30000 > ${READ_FILE} 2>&1' ` +
        '</dev/null >/dev/null 2>&1 &',
    );
    await this.vm.runOk(waitUntil(`grep -q ready ${READ_FILE} 2>/dev/null`, 10));
  }

  /** The reports read so far (hex, report id first when numbered), waiting for up to `count` of them. */
  async readReports(count: number, seconds = 30): Promise<string[]> {
    const enough = `[ $(grep -vc ready ${READ_FILE}) -ge ${count} ] || grep -q -e timeout -e error ${READ_FILE}`;
    await this.vm.run(waitUntil(enough, seconds), { timeoutMs: (seconds + 5) * 1000 });
    const text = await this.vm.runOk(`cat ${READ_FILE}`);
    return text.split('\n').filter((line) => line !== '' && line !== 'ready');
  }

  /** `write(2)` of the bytes; "ok" or "error …". */
  write(node: string, hex: string): Promise<string> {
    return this.probeOut('write', node, hex);
  }

  /** HIDIOCGFEATURE: the reply in hex (report id first), or "error …". */
  getFeature(node: string, reportId: number, length: number): Promise<string> {
    return this.probeOut('getfeature', node, String(reportId), String(length));
  }

  /** HIDIOCSFEATURE with the bytes (report id first); "ok" or "error …". */
  setFeature(node: string, hex: string): Promise<string> {
    return this.probeOut('setfeature', node, hex);
  }

  private async probeOut(...args: string[]): Promise<string> {
    const result = await this.vm.run(`${this.probe} ${args.join(' ')}`, { timeoutMs: 15_000 });
    return (result.stdout || result.stderr).trim();
  }
}
