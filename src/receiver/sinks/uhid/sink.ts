/**
 * The uhid sink: every shared HID device becomes a kernel HID device (hidraw, evdev, drivers) on this
 * machine. One /dev/uhid file description per device, as the kernel requires.
 */
import type { RemoteHidDevice, RemoteHidDeviceInfo, Sink } from '../types.ts';
import { type OpenUhidChannel, openUhidChannel } from './channel.ts';
import { waitForHidrawNode } from './hidraw.ts';
import { BUS_BLUETOOTH, BUS_USB } from './layout.ts';
import { UhidSession } from './session.ts';

export type UhidBus = 'usb' | 'bluetooth';

export interface UhidSinkOptions {
  /** Default /dev/uhid. */
  readonly path?: string;
  /** The bus the kernel (and drivers matching on it) will see; RemoteHidDeviceInfo has no bus yet. Default USB. */
  readonly busOf?: (info: RemoteHidDeviceInfo) => UhidBus;
  /** How long the kernel may wait for a feature report from the real device. Default 2000 ms. */
  readonly requestTimeoutMs?: number;
  /** How long attach() waits for the kernel to bind a driver (UHID_START). Default 5000 ms. */
  readonly startTimeoutMs?: number;
  /** After UHID_START, how long attach() waits for the hidraw node. Default 2000 ms; 0 skips. */
  readonly hidrawWaitMs?: number;
  /** Errors that belong to no caller (a failed output report, a malformed kernel event). */
  readonly onError?: (error: Error) => void;
  /** Injected in unit tests. */
  readonly openChannel?: OpenUhidChannel;
}

interface Presented {
  readonly session: UhidSession;
  readonly phys: string;
  hidraw: string | undefined;
  readonly stopWatchingClose: () => void;
}

let nextDeviceNumber = 0;

export class UhidSink implements Sink {
  readonly name = 'uhid';
  private readonly devices = new Map<RemoteHidDevice, Presented>();

  constructor(private readonly options: UhidSinkOptions = {}) {}

  private get path(): string {
    return this.options.path ?? '/dev/uhid';
  }

  async attach(device: RemoteHidDevice): Promise<void> {
    if (this.devices.has(device)) throw new Error(`device ${device.info.productName} is already attached`);
    const channel = await (this.options.openChannel ?? openUhidChannel)(this.path);
    // Unique per device: hidraw lookup by HID_PHYS, and stable names in `dmesg`.
    const phys = `ferry-uhid/${process.pid}/${nextDeviceNumber++}`;
    const session = new UhidSession(channel, device, {
      bus: (this.options.busOf?.(device.info) ?? 'usb') === 'bluetooth' ? BUS_BLUETOOTH : BUS_USB,
      phys,
      uniq: '',
      version: 0,
      requestTimeoutMs: this.options.requestTimeoutMs ?? 2_000,
      startTimeoutMs: this.options.startTimeoutMs ?? 5_000,
      onError: this.options.onError ?? ((error) => console.error(`[uhid] ${error.message}`)),
    });
    const stopWatchingClose = device.onClose(() => this.detach(device));
    const presented: Presented = { session, phys, hidraw: undefined, stopWatchingClose };
    this.devices.set(device, presented);
    try {
      await session.create();
      const waitMs = this.options.hidrawWaitMs ?? 2_000;
      if (waitMs > 0) presented.hidraw = await waitForHidrawNode(phys, waitMs);
    } catch (error) {
      this.detach(device);
      throw error;
    }
  }

  /** Opens /dev/uhid once and closes it again: throws UhidUnavailableError with the fix when it cannot. */
  async prepare(): Promise<void> {
    const channel = await (this.options.openChannel ?? openUhidChannel)(this.path);
    channel.close();
  }

  describe(device: RemoteHidDevice): readonly string[] {
    const presented = this.devices.get(device);
    if (!presented) return [];
    const node = presented.hidraw ?? `no hidraw node yet (HID_PHYS ${presented.phys})`;
    return [`uhid: ${device.info.productName} is ${node} on this machine`];
  }

  /** The /dev/hidrawN of an attached device, when the kernel created one. */
  hidrawPath(device: RemoteHidDevice): string | undefined {
    return this.devices.get(device)?.hidraw;
  }

  /** The HID_PHYS string the kernel shows for this device (unique per device). */
  physOf(device: RemoteHidDevice): string | undefined {
    return this.devices.get(device)?.phys;
  }

  async close(): Promise<void> {
    for (const device of [...this.devices.keys()]) this.detach(device);
  }

  private detach(device: RemoteHidDevice): void {
    const presented = this.devices.get(device);
    if (!presented) return;
    this.devices.delete(device);
    presented.stopWatchingClose();
    presented.session.destroy();
  }
}
