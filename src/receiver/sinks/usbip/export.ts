/**
 * What the USB/IP server needs of one exported device, HID (ExportedUsbipDevice) or generic
 * (GenericExportedDevice), so that one server and one bus number present both kinds.
 */
import type { PeerLink } from '../usb/peer-link.ts';
import type { SubmitRequest, UnlinkRequest } from './parser.ts';

/** The URB traffic of one importing client. */
export interface UrbHandler {
  submit(request: SubmitRequest): void;
  unlink(request: UnlinkRequest): void;
}

export interface UsbipExport {
  readonly busId: string;
  readonly devnum: number;
  /** The op_rep_devlist entry: usbip_usb_device, then one usbip_usb_interface per interface. */
  devlistEntry(): Uint8Array;
  /** The usbip_usb_device that follows a successful op_rep_import. */
  importEntry(): Uint8Array;
  /** Binds the device to a client; `undefined` when another client holds it (one importer at a time). */
  import(link: PeerLink): UrbHandler | undefined;
  /** The importing client disconnected; the device can be imported again. */
  release(session: UrbHandler): void;
  /** The share ended or the sink closes: fail pending URBs, close the importer. */
  shutDown(): void;
}
