/** One shared device as the USB/IP server exports it: a bus id, and at most one importing client. */

import { concatBytes } from '../usb/bytes.ts';
import type { HidFunction } from '../usb/hid-function.ts';
import type { HidUsbDescriptors } from '../usb/hid-usb-descriptors.ts';
import type { PeerLink } from '../usb/peer-link.ts';
import type { UrbHandler, UsbipExport } from './export.ts';
import { type ExportedDeviceInfo, HID_INTERFACE_ENTRY, hidDeviceEntry } from './replies.ts';
import { UrbSession, type UrbSessionLimits } from './urb-session.ts';

export const USBIP_BUSNUM = 1;

export class ExportedUsbipDevice implements ExportedDeviceInfo, UsbipExport {
  readonly busnum = USBIP_BUSNUM;
  readonly busId: string;
  readonly path: string;
  private session: UrbSession | undefined;
  private readonly stopInput: () => void;

  constructor(
    readonly devnum: number,
    private readonly fn: HidFunction,
    private readonly limits: UrbSessionLimits,
  ) {
    this.busId = `${USBIP_BUSNUM}-${devnum}`;
    this.path = `/sys/devices/platform/ferry/usb${USBIP_BUSNUM}/${this.busId}`;
    this.stopInput = fn.device.onInput((reportId, data) => {
      if (this.session !== undefined) this.session.input(fn.frameInput(reportId, data));
    });
  }

  get descriptors(): HidUsbDescriptors {
    return this.fn.descriptors;
  }

  devlistEntry(): Uint8Array {
    return concatBytes([hidDeviceEntry(this), HID_INTERFACE_ENTRY]);
  }

  importEntry(): Uint8Array {
    return hidDeviceEntry(this);
  }

  get imported(): boolean {
    return this.session !== undefined;
  }

  /** Binds the device to a client; `undefined` when another client holds it (one importer at a time). */
  import(link: PeerLink): UrbSession | undefined {
    if (this.session !== undefined) return undefined;
    this.fn.reset();
    this.session = new UrbSession(link, this.fn, this.limits);
    return this.session;
  }

  /** The importing client disconnected; the device can be imported again. */
  release(session: UrbHandler): void {
    if (this.session === undefined || this.session !== session) return;
    this.session.detach();
    this.session = undefined;
  }

  /** The share ended or the sink closes: fail pending URBs, close the importer, stop listening. */
  shutDown(): void {
    this.stopInput();
    this.session?.shutDown();
    this.session = undefined;
  }
}
