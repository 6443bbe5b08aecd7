/**
 * The guest kernel's uevents (what udev would see), to prove what an application would notice: a kept
 * device must produce no `remove` while its link is down. busybox's `uevent` applet listens on the
 * kobject netlink socket (beside mdev, which has its own) and runs a shell per event that appends
 * `ACTION DEVPATH` to a file.
 */
import type { Vm } from './harness.ts';

const LOG = '/tmp/uevents.txt';

export interface Uevent {
  action: string;
  devpath: string;
}

export class GuestUevents {
  constructor(private readonly vm: Vm) {}

  /** Starts the listener in the background (it runs until the guest stops). */
  async start(): Promise<void> {
    await this.vm.runOk(
      `: > ${LOG}; setsid /run/ferry/bin/busybox uevent sh -c 'echo "$ACTION $DEVPATH" >> ${LOG}' ` +
        '</dev/null >/dev/null 2>&1 &',
    );
  }

  /** Forgets the events so far. */
  async clear(): Promise<void> {
    await this.vm.runOk(`: > ${LOG}`);
  }

  async events(): Promise<Uevent[]> {
    const text = await this.vm.runOk(`cat ${LOG}`);
    return text
      .split('\n')
      .filter((line) => line.includes(' '))
      .map((line) => {
        const [action = '', devpath = ''] = line.split(' ');
        return { action, devpath };
      });
  }
}
