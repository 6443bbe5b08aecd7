/**
 * Devices made by the guest kernel itself, for a `ferry share` in the guest to read as it would read
 * real hardware (tests/vm/share.vm.test.ts):
 *  - GuestUhidDevice: a corpus HID device on the guest's /dev/uhid (guest/uhid-device.ts), so the
 *    sharer reads a real hidraw node; the host injects its input reports and reads what it was sent.
 *  - createGadgetZero: dummy_hcd + the SourceSink and Loopback functions (usb_f_ss_lb, the two functions
 *    g_zero is built from) composed through configfs, because Debian's kernel ships no legacy g_zero
 *    module. Same ids, strings and configurations as g_zero: first configuration 3, source/sink (it
 *    answers the 0x5b/0x5c vendor control requests), then configuration 2, loopback.
 */
import type { Vm } from './harness.ts';
import { repoRoot } from './paths.ts';

const DEVICE_DIR = '/tmp/uhid-device';

/** A guest shell loop: retry `test` every 0.2 s for about `seconds`, then fail with `onFail`. */
export function waitUntil(test: string, seconds: number, onFail = 'exit 1'): string {
  return `for i in $(seq ${seconds * 5}); do ${test} && exit 0; sleep 0.2; done; ${onFail}`;
}

export interface LoggedRequest {
  readonly kind: string;
  readonly reportId: number;
  readonly hex: string;
}

export class GuestUhidDevice {
  private constructor(
    private readonly vm: Vm,
    /** The uhid device's own /dev/hidrawN (what `ferry share` opens). */
    readonly hidraw: string,
  ) {}

  /** Starts guest/uhid-device.ts in the background and waits for its hidraw node. */
  static async start(vm: Vm, corpusId: string): Promise<GuestUhidDevice> {
    const script = `${repoRoot}tests/vm/guest/uhid-device.ts`;
    await vm.runOk(
      `rm -rf ${DEVICE_DIR} && mkdir -p ${DEVICE_DIR} && mkfifo ${DEVICE_DIR}/cmd && cd ${repoRoot} && ` +
        `setsid sh -c 'node --import tsx ${script} ${corpusId} ${DEVICE_DIR} >${DEVICE_DIR}/out 2>&1' ` +
        '</dev/null >/dev/null 2>&1 &',
    );
    const ready = waitUntil(`[ -s ${DEVICE_DIR}/hidraw ]`, 90, `cat ${DEVICE_DIR}/out >&2; exit 1`);
    await vm.runOk(ready, { timeoutMs: 95_000 });
    return new GuestUhidDevice(vm, (await vm.runOk(`cat ${DEVICE_DIR}/hidraw`)).trim());
  }

  /** Injects raw input reports (hex, id first when numbered), 10 ms apart; resolves once all are in. */
  async inject(reports: readonly string[]): Promise<void> {
    const before = (await this.requests()).filter((request) => request.kind === 'input-done').length;
    const lines = [...reports.map((hex) => `input ${hex}`), 'flush'].join('\n');
    await this.vm.runOk(`printf '%s\\n' '${lines.split('\n').join("' '")}' > ${DEVICE_DIR}/cmd`);
    const done = `[ $(grep -c '^input-done' ${DEVICE_DIR}/log 2>/dev/null || echo 0) -gt ${before} ]`;
    await this.vm.runOk(waitUntil(done, 30), { timeoutMs: 35_000 });
  }

  /** From now on GET_REPORT(feature `reportId`) answers `hex` (without the id byte). */
  async storeFeature(reportId: number, hex: string): Promise<void> {
    await this.vm.runOk(`echo 'feature ${reportId} ${hex}' > ${DEVICE_DIR}/cmd`);
  }

  /** Every request the kernel passed down to the device so far (output, set-feature, get-feature). */
  async requests(): Promise<LoggedRequest[]> {
    const text = await this.vm.runOk(`cat ${DEVICE_DIR}/log 2>/dev/null; true`);
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [kind = '', reportId = '0', hex = ''] = line.split(' ');
        return { kind, reportId: Number(reportId), hex };
      });
  }

  async stop(): Promise<void> {
    await this.vm.run(`pkill -TERM -f '[u]hid-device.ts'; ${waitUntil(`[ ! -e ${this.hidraw} ]`, 10)}`);
  }
}

export const GADGET_ZERO = {
  vendorId: '0525',
  productId: 'a4a0',
  product: 'Gadget Zero',
  sourceSinkConfiguration: 3,
  loopbackConfiguration: 2,
} as const;

/** Loads dummy_hcd and usb_f_ss_lb and binds a Gadget Zero to dummy_udc.0. */
export async function createGadgetZero(vm: Vm): Promise<void> {
  const g = '/sys/kernel/config/usb_gadget/zero';
  await vm.runOk(
    [
      'set -e',
      'modprobe dummy_hcd',
      'modprobe usb_f_ss_lb',
      'grep -q " /sys/kernel/config " /proc/mounts || mount -t configfs none /sys/kernel/config',
      `mkdir ${g} && cd ${g}`,
      `echo 0x${GADGET_ZERO.vendorId} > idVendor && echo 0x${GADGET_ZERO.productId} > idProduct`,
      'mkdir strings/0x409',
      `echo Linux > strings/0x409/manufacturer && echo '${GADGET_ZERO.product}' > strings/0x409/product`,
      'echo 0123456789.0123456789.0123456789 > strings/0x409/serialnumber',
      'mkdir functions/SourceSink.0 functions/Loopback.0 configs/c.3 configs/c.2',
      'mkdir configs/c.3/strings/0x409 configs/c.2/strings/0x409',
      'echo source/sink > configs/c.3/strings/0x409/configuration',
      'echo loopback > configs/c.2/strings/0x409/configuration',
      'ln -s functions/SourceSink.0 configs/c.3/ && ln -s functions/Loopback.0 configs/c.2/',
      'ls /sys/class/udc > UDC',
    ].join('\n'),
  );
}

export interface GadgetNode {
  /** /dev/bus/usb/BBB/DDD */
  readonly dev: string;
  /** usb:BUS-ADDR, as `ferry share` takes it */
  readonly selector: string;
  /** /sys/bus/usb/devices/<port path> */
  readonly sysfs: string;
}

/**
 * The usbfs node (/dev/bus/usb/BBB/DDD) and bus-address selector (usb:BUS-ADDR) of the Gadget Zero on
 * the dummy_hcd bus (`onDummyBus`) or the one elsewhere (Ferry's re-export on xHCI or vhci).
 */
export async function findGadgetZero(vm: Vm, onDummyBus: boolean, seconds = 60): Promise<GadgetNode> {
  const where = onDummyBus
    ? 'case "$p" in *dummy_hcd*) ;; *) continue;; esac'
    : 'case "$p" in *dummy_hcd*) continue;; esac';
  const find =
    'for d in /sys/bus/usb/devices/[0-9]*; do case "$d" in *:*) continue;; esac; ' +
    `[ "$(cat $d/idVendor)" = ${GADGET_ZERO.vendorId} ] && [ "$(cat $d/idProduct)" = ${GADGET_ZERO.productId} ] || continue; ` +
    // Configured, not just enumerated: the vendor requests stall until SET_CONFIGURATION.
    `p=$(readlink -f $d); ${where}; [ -n "$(cat $d/bConfigurationValue)" ] || continue; ` +
    'b=$(cat $d/busnum); a=$(cat $d/devnum); ' +
    '[ -e $(printf /dev/bus/usb/%03d/%03d $b $a) ] || continue; ' +
    'printf "/dev/bus/usb/%03d/%03d usb:%d-%d %s\\n" $b $a $b $a $d; return 0; done; return 1';
  const script = `found() { ${find}; }; ${waitUntil('found', seconds, 'dmesg | tail -30 >&2; exit 1')}`;
  const [dev = '', selector = '', sysfs = ''] = (
    await vm.runOk(script, { timeoutMs: (seconds * 2 + 10) * 1000 })
  )
    .trim()
    .split(' ');
  return { dev, selector, sysfs };
}

/**
 * The hidraw node of a HID device on a USB bus (the re-export by usbip or usb-redir), as opposed to
 * the uhid device's own node under /sys/devices/virtual/misc/uhid.
 */
export async function waitForUsbHidraw(vm: Vm, seconds = 60): Promise<string> {
  const find =
    'for n in /sys/class/hidraw/hidraw*; do case "$(readlink -f $n/device)" in */usb[0-9]*) ' +
    'h=$(basename $n); [ -e /dev/$h ] && echo /dev/$h && return 0;; esac; done; return 1';
  const onFail = 'ls -l /sys/class/hidraw >&2; dmesg | tail -30 >&2; exit 1';
  const script = `found() { ${find}; }; ${waitUntil('found', seconds, onFail)}`;
  return (await vm.runOk(script, { timeoutMs: (seconds * 2 + 10) * 1000 })).trim();
}
