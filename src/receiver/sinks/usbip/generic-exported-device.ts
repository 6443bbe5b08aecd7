/** One shared generic USB device as the USB/IP server exports it: a bus id and at most one importer. */
import type { UsbDescriptorSet } from '../../../protocol/index.ts';
import type { GenericUsbFunction } from '../usb/generic-function.ts';
import type { PeerLink } from '../usb/peer-link.ts';
import { USBIP_BUSNUM } from './exported-device.ts';
import type { GenericExportInfo } from './generic-replies.ts';
import { GenericUrbSession } from './generic-urb-session.ts';

export class GenericExportedDevice implements GenericExportInfo {
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

  import(link: PeerLink): GenericUrbSession | undefined {
    if (this.session !== undefined) return undefined;
    this.session = new GenericUrbSession(link, this.fn);
    return this.session;
  }

  release(session: GenericUrbSession): void {
    if (this.session !== session) return;
    session.detach();
    this.session = undefined;
  }

  shutDown(): void {
    this.session?.shutDown();
    this.session = undefined;
  }
}
