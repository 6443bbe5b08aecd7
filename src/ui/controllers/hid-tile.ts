/**
 * One HID device panel on the receiver page, outliving the link it came by (issue 13, docs/receiver.md
 * "When the link goes down"). It wraps the receiver's VirtualHidDevice (receiver/keep, platform-free):
 * while the link is down the panel stays, greyed as "reconnecting", its input goes neutral and its
 * requests wait for the link; an equivalent device on the next link carries on in the same panel, with
 * its history and plots. The panel is the same object throughout, so the page's elements are too.
 */
import type { VirtualHidDevice } from '../../receiver/keep/index.ts';
import type { RemoteDevice } from '../../transport/index.ts';
import type { ReceivedHidDevice } from '../lib/received-device.ts';
import { KeptTile } from './kept-tile.ts';

export class HidTile extends KeptTile<VirtualHidDevice> implements ReceivedHidDevice {
  /** The first link's announcement: an equivalent device has the same descriptor and collections. */
  readonly announcement: RemoteDevice['announcement'];

  constructor(device: VirtualHidDevice, source: RemoteDevice) {
    super(device);
    this.announcement = source.announcement;
  }

  onInput(listener: (reportId: number, data: Uint8Array, timestampMs: number) => void): () => void {
    return this.device.onInput(listener);
  }

  sendOutputReport(reportId: number, data: Uint8Array): Promise<void> {
    return this.device.sendOutputReport(reportId, data);
  }

  getFeatureReport(reportId: number): Promise<Uint8Array> {
    return this.device.getFeatureReport(reportId);
  }

  setFeatureReport(reportId: number, data: Uint8Array): Promise<void> {
    return this.device.setFeatureReport(reportId, data);
  }
}
