/**
 * The receiver's devices across links (`ferry receive --grace`): each device a sharer announces becomes
 * a virtual device (VirtualHidDevice, VirtualUsbDevice) that the sinks present once. When the link goes
 * down the keeper keeps every device for the grace period; a device an equivalent one re-attaches to on a
 * later link carries on, and one that no link brings back within the grace is removed
 * (docs/receiver.md, "When the link goes down").
 */
import type { RemoteUsbDevice as LinkUsbDevice, RemoteDevice } from '../../transport/index.ts';
import { type VirtualDeviceOptions, VirtualHidDevice } from './virtual-hid-device.ts';
import { VirtualUsbDevice } from './virtual-usb-device.ts';

export interface KeeperOptions extends VirtualDeviceOptions {
  /** How long a device whose link went down is kept for a sharer to bring it back (--grace). */
  readonly graceMs: number;
  /**
   * --keep: a device the sharer removes while the link stays up (it stops sharing, which removes its
   * devices before its goodbye; or the device was unplugged there) is kept for the grace too, rather
   * than removed at once.
   */
  readonly keep: boolean;
}

/** A device of either kind, as the keeper handles it. */
export type KeptDevice = VirtualHidDevice | VirtualUsbDevice;

/** What happened to a kept device, for the log. */
export interface KeeperNotices {
  /** Past the grace (or at the end): the device left this machine. */
  removed(device: KeptDevice, why: string): void;
}

export class DeviceKeeper {
  private readonly devices = new Set<KeptDevice>();
  private readonly graceTimers = new Map<KeptDevice, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly options: KeeperOptions,
    private readonly notices: KeeperNotices,
  ) {}

  /** Devices presented on this machine, attached to a link or kept. */
  get count(): number {
    return this.devices.size;
  }

  /** Devices kept without a link, waiting for one. */
  get keptCount(): number {
    return this.graceTimers.size;
  }

  /** Reports dropped by the freshness bound after resumes, over all devices. */
  get staleDropped(): number {
    let total = 0;
    for (const device of this.devices) total += device.staleDropped;
    return total;
  }

  /**
   * A HID device a link announced: it resumes the first kept device that is the same (`resumed: true`;
   * the sinks already present it), or it is a new device for the sinks to present.
   */
  take(source: RemoteDevice): { device: VirtualHidDevice; resumed: boolean } {
    const kept = this.keptSameAs((device) => device instanceof VirtualHidDevice && device.isSameAs(source));
    if (kept instanceof VirtualHidDevice) {
      kept.resume(source);
      return { device: kept, resumed: true };
    }
    return { device: this.adopt(new VirtualHidDevice(source, this.options)), resumed: false };
  }

  /** The same for a generic USB device: the same descriptors resume a kept one. */
  takeUsb(source: LinkUsbDevice): { device: VirtualUsbDevice; resumed: boolean } {
    const kept = this.keptSameAs((device) => device instanceof VirtualUsbDevice && device.isSameAs(source));
    if (kept instanceof VirtualUsbDevice) {
      kept.resume(source);
      return { device: kept, resumed: true };
    }
    return { device: this.adopt(new VirtualUsbDevice(source)), resumed: false };
  }

  /**
   * The link went down (call it before the link's devices close): every attached device lets go of
   * what it held and is kept for the grace period. Returns how many are kept.
   */
  linkDown(): number {
    for (const device of this.devices) if (device.attached) this.keep(device);
    return this.keptCount;
  }

  /**
   * The link stalled but is not down: attached HID devices let go of what they held and drop the backlog
   * older than --fresh that the link delivers when it answers again. Returns how many.
   */
  stall(): number {
    let stalled = 0;
    for (const device of this.devices)
      if (device instanceof VirtualHidDevice && device.attached) {
        device.stall();
        stalled += 1;
      }
    return stalled;
  }

  /** Removes every device (the run ends): each leaves the sinks before they close. */
  removeAll(why: string): void {
    for (const device of [...this.devices]) {
      if (!device.attached) this.notices.removed(device, why);
      device.remove();
    }
  }

  /** The first kept device that matches, no longer kept (its grace timer stopped). */
  private keptSameAs(matches: (device: KeptDevice) => boolean): KeptDevice | undefined {
    for (const [kept, timer] of this.graceTimers) {
      if (!matches(kept)) continue;
      clearTimeout(timer);
      this.graceTimers.delete(kept);
      return kept;
    }
    return undefined;
  }

  private adopt<D extends KeptDevice>(device: D): D {
    this.devices.add(device);
    device.onClose(() => this.forget(device));
    if (this.options.keep) device.sourceGone = () => this.keep(device);
    return device;
  }

  /** Detaches the device and keeps it for the grace period. */
  private keep(device: KeptDevice): void {
    device.detach();
    clearTimeout(this.graceTimers.get(device));
    const why = `no sharer brought it back within ${this.options.graceMs / 1000} s (--grace)`;
    const expire = () => {
      this.notices.removed(device, why);
      device.remove();
    };
    this.graceTimers.set(device, setTimeout(expire, this.options.graceMs));
  }

  private forget(device: KeptDevice): void {
    clearTimeout(this.graceTimers.get(device));
    this.graceTimers.delete(device);
    this.devices.delete(device);
  }
}
