/**
 * `ferry receive --sink uhid` inside the guest (the host's node and the built CLI over the 9p root),
 * reaching the host's signaling server and sharer over WebRTC through QEMU's user networking, as
 * tests/vm/full-path.test.ts runs it. One at a time; its stderr and exit code land in /tmp/ferry.*.
 */
import type { GuestHidraw } from './guest-hidraw.ts';
import type { Vm } from './harness.ts';
import { repoRoot } from './paths.ts';

const ERR = '/tmp/ferry.err';
const EXIT = '/tmp/ferry.exit';
const PID = '/tmp/ferry.pid';

export class GuestFerry {
  constructor(
    private readonly vm: Vm,
    private readonly hidraw: GuestHidraw,
  ) {}

  /**
   * Starts it on `link` (signaling at the host's `port`) and resolves with its hidraw node. WebRTC
   * through slirp's NAT from a software-emulated guest occasionally fails to pair: each attempt is a
   * fresh process, and every attempt's log is kept for the failure message.
   */
  async start(link: string, port: number, args: string[], attempts = 3): Promise<string> {
    const command = [
      ...['receive', link, '--sink', 'uhid', '--signal', `http://10.0.2.2:${port}`],
      ...['--pair-timeout', '60', ...args],
    ].join(' ');
    const logs: string[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await this.vm.runOk(
        // The inner shell writes its pid and becomes node (exec), in the foreground of the outer one: a
        // background job of a non-interactive shell would start with SIGINT ignored.
        `rm -f ${EXIT} ${PID}; cd ${repoRoot} && setsid sh -c '` +
          `sh -c "echo \\$\\$ >${PID}; exec node dist/cli/ferry.mjs ${command} >/tmp/ferry.out 2>${ERR}"; ` +
          `echo $? >${EXIT}' </dev/null >/dev/null 2>&1 &`,
      );
      try {
        return await this.hidraw.waitForNode(75);
      } catch (error) {
        const log = await this.vm.runOk(`cat ${ERR}`);
        await this.kill();
        logs.push(`attempt ${attempt}: ${(error as Error).message}\n${log}`);
        console.info(`[vm] ferry in the guest: attempt ${attempt} did not pair:\n${logs.at(-1)}`);
      }
    }
    throw new Error(
      `the guest's ferry receive never paired:\n${logs.join('\n--- ferry in the guest ---\n')}`,
    );
  }

  /** Its stderr so far, as lines. */
  async stderr(): Promise<string[]> {
    return (await this.vm.runOk(`cat ${ERR} 2>/dev/null; true`)).split('\n').filter(Boolean);
  }

  /** Its exit code once it has exited (waiting up to `seconds`), or undefined if it still runs. */
  async exitCode(seconds: number): Promise<number | undefined> {
    // By the clock, not by a count of sleeps: forks are slow in an emulated guest.
    const wait =
      `end=$(($(date +%s) + ${seconds})); while [ ! -s ${EXIT} ] && [ $(date +%s) -lt $end ]; do sleep 0.5; done; ` +
      `cat ${EXIT} 2>/dev/null; true`;
    const text = (await this.vm.runOk(wait, { timeoutMs: (seconds + 30) * 1000 })).trim();
    return text === '' ? undefined : Number(text);
  }

  /** Ctrl-C. */
  async interrupt(): Promise<void> {
    await this.vm.runOk(`kill -INT $(cat ${PID})`);
  }

  /** SIGKILL, whatever state it is in (cleanup), and waits until it is gone. */
  async kill(): Promise<void> {
    await this.vm.run(
      `[ -s ${PID} ] || exit 0; kill -KILL $(cat ${PID}); while [ ! -s ${EXIT} ]; do sleep 0.2; done`,
      {
        timeoutMs: 15_000,
      },
    );
  }
}
