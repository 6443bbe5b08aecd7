/** One shared generic USB device as the USB/IP server exports it: a bus id and at most one importer. */
import type { UsbDescriptorSet } from '../../../protocol/index.ts';
import { concatBytes } from '../usb/bytes.ts';
import type { GenericUsbFunction } from '../usb/generic-function.ts';
import type { PeerLink } from '../usb/peer-link.ts';
import type { UrbHandler, UsbipExport } from './export.ts';
import { USBIP_BUSNUM } from './exported-device.ts';
import { type GenericExportInfo, genericDeviceEntry, genericInterfaceEntries } from './generic-replies.ts';
import { GenericUrbSession } from './generic-urb-session.ts';

export class GenericExportedDevice implements GenericExportInfo, UsbipExport {
  readonly busnum = USBIP_BUSNUM;
  readonly busId: string;
  readonly path: string;
  private session: GenericUrbSession | undefined;

  constructor(
    readonly devnum: number,
    readonly fn: GenericUsbFunction,
  ) {
    this.busId = `${USBIP_BUSNUM}-${devnum}`;
    this.path = `/sys/devices/platform/ferry/usb${USBIP_BUSNUM}/${this.busId}`;
  }

  get descriptors(): UsbDescriptorSet {
    return this.fn.device.descriptors;
  }

  get activeConfiguration(): number {
    return this.fn.device.activeConfiguration;
  }

  devlistEntry(): Uint8Array {
    return concatBytes([genericDeviceEntry(this), ...genericInterfaceEntries(this)]);
  }

  importEntry(): Uint8Array {
    return genericDeviceEntry(this);
  }

  import(link: PeerLink): GenericUrbSession | undefined {
    if (this.session !== undefined) return undefined;
    this.session = new GenericUrbSession(link, this.fn);
    return this.session;
  }

  release(session: UrbHandler): void {
    if (this.session === undefined || this.session !== session) return;
    this.session.detach();
    this.session = undefined;
  }

  shutDown(): void {
    this.session?.shutDown();
    this.session = undefined;
  }
}
