/**
 * The sharer's generic USB devices (issue 6). Each is held by ONE receiver at a time: the first
 * approved receiver whose hello lists `usb`. A USB device has one host; two would each select
 * configurations, clear halts and read bulk data the other is waiting for. Other receivers are not told
 * about the device. When its holder leaves, the holder's waiting requests are cancelled (the device is
 * reset if it was still working on some) and the device passes to the next receiver that can take it.
 * A holder whose policy refuses the device (DeviceRefused) lets go of it the same way, and is skipped.
 */
import { encodeUsbCompletion, type GoneReason, UsbDescriptorSet, type UsbFrame } from '../protocol/index.ts';
import { deviceGoneFrame } from './device-gone.ts';
import type { PeerChannel } from './peer-channel.ts';
import { type UsbRequestHandler, UsbSharerChannel } from './usb-sharer-channel.ts';

/** Listed in a hello by a receiver that can present generic USB devices (and by every sharer). */
export const USB_CAPABILITY = 'usb';

/** What a shared USB device needs of its source: WebUsbSource fits. */
export interface SharedUsbSource extends UsbRequestHandler {
  onDisconnect(listener: () => void): () => void;
}

export interface UsbShareStatus {
  readonly device: number;
  /** The peer id of the receiver holding it, if any. */
  readonly holder: string | undefined;
}

interface Holder {
  readonly peer: PeerChannel;
  readonly channel: UsbSharerChannel;
}

interface SharedUsb {
  readonly source: SharedUsbSource;
  readonly stopDisconnect: () => void;
  holder: Holder | undefined;
  /** True while a departed holder's transfers are being cleared away; nobody may take it meanwhile. */
  handingOver: boolean;
  /** Receivers whose policy refused it: never offered it again. */
  readonly refusedBy: Set<PeerChannel>;
}

const EMPTY = new Uint8Array(0);

export class SharedUsbDevices {
  private readonly shared = new Map<number, SharedUsb>();

  constructor(
    /** Approved receivers, oldest first. */
    private readonly readyPeers: () => readonly PeerChannel[],
    private readonly onChange: () => void,
  ) {}

  add(index: number, source: SharedUsbSource): void {
    const stopDisconnect = source.onDisconnect(() => this.remove(index));
    this.shared.set(index, {
      source,
      stopDisconnect,
      holder: undefined,
      handingOver: false,
      refusedBy: new Set(),
    });
    this.offer(index);
  }

  /**
   * Stops sharing: the holder gets DEVICE_GONE (saying `swapped` when a replacement follows). False when
   * `index` is not a shared USB device.
   */
  remove(index: number, reason: GoneReason = 'removed'): boolean {
    const device = this.shared.get(index);
    if (device === undefined) return false;
    this.shared.delete(index);
    device.stopDisconnect();
    const holder = device.holder;
    device.holder = undefined;
    if (holder !== undefined) {
      void holder.channel.close();
      holder.peer.send(deviceGoneFrame(holder.peer, index, reason));
    }
    this.onChange();
    return true;
  }

  indexes(): number[] {
    return [...this.shared.keys()];
  }

  /** A receiver was approved: it takes every device nobody holds (if it can present USB). */
  peerReady(): void {
    for (const index of this.shared.keys()) this.offer(index);
  }

  /** Call once `peer` is no longer among the ready peers. */
  peerClosed(peer: PeerChannel): void {
    for (const [index, device] of this.shared) {
      device.refusedBy.delete(peer);
      if (device.holder?.peer === peer) void this.handOver(index, device, device.holder.channel);
    }
    this.onChange();
  }

  /**
   * `peer`'s policy refused device `index`: it lets go of it, which passes to the next receiver that can
   * take it, and it is never offered the device again. False when `index` is not a shared USB device.
   */
  refuse(peer: PeerChannel, index: number): boolean {
    const device = this.shared.get(index);
    if (device === undefined) return false;
    device.refusedBy.add(peer);
    if (device.holder?.peer === peer) void this.handOver(index, device, device.holder.channel);
    this.onChange();
    return true;
  }

  /** The product name in the device's descriptors, for status lines. */
  productName(index: number): string | undefined {
    const source = this.shared.get(index)?.source;
    if (source === undefined) return undefined;
    try {
      const descriptors = new UsbDescriptorSet(source.announcement.descriptors);
      return descriptors.string(descriptors.device.productIndex);
    } catch {
      return undefined;
    }
  }

  /** A USB frame from a receiver: requests go to the device it holds; anything else is a bad frame. */
  receive(peer: PeerChannel, frame: UsbFrame): void {
    const { message } = frame;
    if (message.kind === 'announce' || message.kind === 'completion' || message.kind === 'iso-completion') {
      peer.rejectUnexpected(`a USB ${message.kind} frame is for the receiver, not the sharer`);
      return;
    }
    const holder = this.shared.get(frame.device)?.holder;
    if (holder?.peer === peer) {
      holder.channel.receive(message);
      return;
    }
    // Not shared (any more), or held by someone else: as if it had been unplugged.
    const gone = { kind: 'completion', requestId: message.requestId, status: 'disconnected' } as const;
    peer.send(encodeUsbCompletion(frame.device, { ...gone, actualLength: 0, data: EMPTY }));
  }

  /** The configuration a shared device is in now (0 when unconfigured or not shared). */
  activeConfiguration(index: number): number {
    return this.shared.get(index)?.source.announcement.activeConfiguration ?? 0;
  }

  status(): UsbShareStatus[] {
    return [...this.shared].map(([device, { holder }]) => ({ device, holder: holder?.peer.peerId }));
  }

  private offer(index: number): void {
    const device = this.shared.get(index);
    if (device === undefined || device.holder !== undefined || device.handingOver) return;
    const peer = this.readyPeers().find(
      (ready) => !device.refusedBy.has(ready) && ready.remote?.capabilities.includes(USB_CAPABILITY),
    );
    if (peer === undefined) return;
    const channel = new UsbSharerChannel(index, device.source, (frame) => peer.send(frame));
    device.holder = { peer, channel };
    peer.send(channel.announceFrame());
    this.onChange();
  }

  private async handOver(index: number, device: SharedUsb, channel: UsbSharerChannel): Promise<void> {
    device.holder = undefined;
    device.handingOver = true;
    await channel.close();
    device.handingOver = false;
    this.offer(index);
  }
}
