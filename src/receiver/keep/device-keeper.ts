/**
 * The receiver's devices across links (`ferry receive --grace`): each device a sharer announces becomes
 * a virtual device (VirtualHidDevice, VirtualUsbDevice) that the sinks present once. When the link goes
 * down the keeper keeps every device for the grace period; a device an equivalent one re-attaches to on a
 * later link carries on, and one that no link brings back within the grace is removed
 * (docs/receiver.md, "When the link goes down"). A device the sharer swapped (DEVICE_GONE `swapped`)
 * waits for the announcement that follows: an equivalent one carries on as the same device, a different
 * one removes it before it is presented (docs/receiver.md, "Swapping a device").
 */
import type { RemoteUsbDevice as LinkUsbDevice, RemoteDevice } from '../../transport/index.ts';
import { type VirtualDeviceOptions, VirtualHidDevice } from './virtual-hid-device.ts';
import { VirtualUsbDevice, type VirtualUsbOptions } from './virtual-usb-device.ts';

export interface KeeperOptions extends VirtualDeviceOptions {
  /** For the generic USB devices (VirtualUsbDevice). */
  readonly usb?: VirtualUsbOptions;
  /** How long a device whose link went down is kept for a sharer to bring it back (--grace). */
  readonly graceMs: number;
  /**
   * --keep: a device the sharer removes while the link stays up (it stops sharing, which removes its
   * devices before its goodbye; or the device was unplugged there) is kept for the grace too, rather
   * than removed at once.
   */
  readonly keep: boolean;
}

/**
 * A shorter keep than the grace for one outage, and why a device it did not bring back goes: the
 * sharer's page went away, and only a reload (within seconds) brings it back.
 */
export interface KeptFor {
  readonly ms: number;
  readonly why: string;
}

/** The keep a link-down asks for: shorter than the grace when the sharer's page went away. */
export function keptForLinkDown(down: { readonly returnWithinMs?: number }): KeptFor | undefined {
  const ms = down.returnWithinMs;
  if (ms === undefined) return undefined;
  return {
    ms,
    why: `the sharer's page did not come back within ${ms / 1000} s (it was closed, not reloaded)`,
  };
}

/** A device of either kind, as the keeper handles it. */
export type KeptDevice = VirtualHidDevice | VirtualUsbDevice;

/** An announced device as the keeper hands it out: new, resumed after an outage, or a swap carried on. */
export interface Taken<D extends KeptDevice> {
  readonly device: D;
  /** The sinks already present it. */
  readonly resumed: boolean;
  /** Resumed as the equivalent replacement of a device the sharer swapped. */
  readonly swapped: boolean;
}

/** What happened to a kept device, for the log. */
export interface KeeperNotices {
  /** Past the grace (or at the end): the device left this machine. */
  removed(device: KeptDevice, why: string): void;
}

export class DeviceKeeper {
  private readonly devices = new Set<KeptDevice>();
  private readonly graceTimers = new Map<KeptDevice, ReturnType<typeof setTimeout>>();
  /** Devices the sharer swapped, oldest first, each waiting for its replacement's announcement. */
  private readonly swapping: KeptDevice[] = [];

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
   * A HID device a link announced: the replacement of a device the sharer swapped, which it resumes when
   * equivalent (`swapped: true`); else it resumes the first kept device that is the same (`resumed:
   * true`; the sinks already present it), or it is a new device for the sinks to present.
   */
  take(source: RemoteDevice): Taken<VirtualHidDevice> {
    const isHid = (device: KeptDevice) => device instanceof VirtualHidDevice;
    const same = (device: KeptDevice) => device instanceof VirtualHidDevice && device.isSameAs(source);
    const swapped = this.replacedBy(isHid, same);
    const kept = swapped ?? this.keptSameAs(same);
    if (kept instanceof VirtualHidDevice) {
      kept.resume(source);
      return { device: kept, resumed: true, swapped: swapped !== undefined };
    }
    return { device: this.adopt(new VirtualHidDevice(source, this.options)), resumed: false, swapped: false };
  }

  /** The same for a generic USB device: the same descriptors resume a kept (or swapped) one. */
  takeUsb(source: LinkUsbDevice): Taken<VirtualUsbDevice> {
    const isUsb = (device: KeptDevice) => device instanceof VirtualUsbDevice;
    const same = (device: KeptDevice) => device instanceof VirtualUsbDevice && device.isSameAs(source);
    const swapped = this.replacedBy(isUsb, same);
    const kept = swapped ?? this.keptSameAs(same);
    if (kept instanceof VirtualUsbDevice) {
      kept.resume(source);
      return { device: kept, resumed: true, swapped: swapped !== undefined };
    }
    return {
      device: this.adopt(new VirtualUsbDevice(source, this.options.usb)),
      resumed: false,
      swapped: false,
    };
  }

  /**
   * The link went down (call it before the link's devices close): every attached device lets go of
   * what it held and is kept for the grace period. Returns how many are kept.
   */
  linkDown(keptFor?: KeptFor): number {
    for (const device of this.devices) if (device.attached) this.keep(device, keptFor);
    // A replacement announced on a later link is not told apart from any device that comes back.
    this.swapping.length = 0;
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

  /**
   * A link-down as the session reports it, for a receiver whose devices end with the session (the
   * receiver page, the web API): a stop removes every device, kept ones too (its goodbye may come after
   * the link was judged lost); a loss keeps them, for less than the grace when the sharer's page went
   * away. Returns how many are kept.
   */
  linkWent(down: {
    readonly kind: 'closed' | 'lost';
    readonly reason: string;
    readonly returnWithinMs?: number;
  }): number {
    if (down.kind === 'lost') return this.linkDown(keptForLinkDown(down));
    this.removeAll(down.reason);
    return 0;
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

  /**
   * The oldest device the sharer swapped for one of this kind (the swaps' announcements come in the
   * order of their DEVICE_GONEs): no longer kept when `same`, else removed now, before the replacement
   * is presented (a different device is a removal plus a new device).
   */
  private replacedBy(
    ofKind: (device: KeptDevice) => boolean,
    same: (device: KeptDevice) => boolean,
  ): KeptDevice | undefined {
    const at = this.swapping.findIndex(ofKind);
    if (at < 0) return undefined;
    const [old] = this.swapping.splice(at, 1) as [KeptDevice];
    if (same(old)) {
      clearTimeout(this.graceTimers.get(old));
      this.graceTimers.delete(old);
      return old;
    }
    this.notices.removed(old, 'the sharer replaced it with a different device');
    old.remove();
    return undefined;
  }

  private adopt<D extends KeptDevice>(device: D): D {
    this.devices.add(device);
    device.onClose(() => this.forget(device));
    device.sourceGone = (swapped) => this.sourceGone(device, swapped);
    return device;
  }

  /**
   * The sharer removed the device while the link stays up. Swapped: kept for the grace, waiting for
   * its replacement; else kept with --keep, removed at once without.
   */
  private sourceGone(device: KeptDevice, swapped: boolean): void {
    if (!swapped && !this.options.keep) {
      device.remove();
      return;
    }
    this.keep(device);
    if (swapped) this.swapping.push(device);
  }

  /** Detaches the device and keeps it for the grace period, or for less when the outage says so. */
  private keep(device: KeptDevice, keptFor?: KeptFor): void {
    device.detach();
    clearTimeout(this.graceTimers.get(device));
    const { graceMs } = this.options;
    const ms = Math.min(graceMs, keptFor?.ms ?? graceMs);
    const why =
      keptFor && ms < graceMs
        ? keptFor.why
        : `no sharer brought it back within ${graceMs / 1000} s (--grace)`;
    const expire = () => {
      this.notices.removed(device, why);
      device.remove();
    };
    this.graceTimers.set(device, setTimeout(expire, ms));
  }

  private forget(device: KeptDevice): void {
    const swapping = this.swapping.indexOf(device);
    if (swapping >= 0) this.swapping.splice(swapping, 1);
    clearTimeout(this.graceTimers.get(device));
    this.graceTimers.delete(device);
    this.devices.delete(device);
  }
}
