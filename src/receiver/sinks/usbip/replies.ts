/** Encoders for what a USB/IP server sends. */

import { concatBytes } from '../usb/bytes.ts';
import type { HidUsbDescriptors } from '../usb/hid-usb-descriptors.ts';
import { CONFIGURATION_VALUE, USB_CLASS_HID } from '../usb/hid-usb-descriptors.ts';
import { fixedString } from '../usb/struct.ts';
import type { UsbipExport } from './export.ts';
import {
  DevlistCount,
  IsoPacketDescriptor,
  OpCommon,
  RetSubmit,
  RetUnlink,
  URB_HEADER_SIZE,
  UsbipDevice,
  UsbipInterface,
} from './layouts.ts';
import { OpCode, OpStatus, UrbCommand, USBIP_VERSION, UsbipSpeed } from './protocol.ts';

/** What USB/IP says about one exported HID device, in devlist and import replies. */
export interface ExportedDeviceInfo {
  readonly busId: string;
  readonly busnum: number;
  readonly devnum: number;
  readonly path: string;
  readonly descriptors: HidUsbDescriptors;
}

const NO_PADDING = new Uint8Array(0);

/** The usbip_usb_device of a HID device as Ferry presents it: one configuration, one HID interface. */
export function hidDeviceEntry(device: ExportedDeviceInfo): Uint8Array {
  const { descriptors } = device;
  return UsbipDevice.encode({
    path: fixedString.encode(device.path),
    busId: fixedString.encode(device.busId),
    busnum: device.busnum,
    devnum: device.devnum,
    speed: UsbipSpeed.full,
    idVendor: descriptors.vendorId,
    idProduct: descriptors.productId,
    bcdDevice: descriptors.bcdDevice,
    bDeviceClass: 0,
    bDeviceSubClass: 0,
    bDeviceProtocol: 0,
    bConfigurationValue: CONFIGURATION_VALUE,
    bNumConfigurations: 1,
    bNumInterfaces: 1,
  });
}

export const HID_INTERFACE_ENTRY = UsbipInterface.encode({
  bInterfaceClass: USB_CLASS_HID,
  bInterfaceSubClass: 0,
  bInterfaceProtocol: 0,
  padding: 0,
});

const opCommon = (code: number, status: number): Uint8Array =>
  OpCommon.encode({ version: USBIP_VERSION, code, status });

export function encodeDevlistReply(devices: readonly Pick<UsbipExport, 'devlistEntry'>[]): Uint8Array {
  const parts = [
    opCommon(OpCode.repDevlist, OpStatus.ok),
    DevlistCount.encode({ deviceCount: devices.length }),
  ];
  for (const device of devices) parts.push(device.devlistEntry());
  return concatBytes(parts);
}

/** `undefined`: no such bus id, or already imported (the reply then ends after op_common). */
export function encodeImportReply(device: Pick<UsbipExport, 'importEntry'> | undefined): Uint8Array {
  if (device === undefined) return opCommon(OpCode.repImport, OpStatus.error);
  return concatBytes([opCommon(OpCode.repImport, OpStatus.ok), device.importEntry()]);
}

export interface RetSubmitFields {
  readonly seqnum: number;
  readonly status: number;
  readonly numberOfPackets: number;
  /** IN data; its length is actual_length. For OUT transfers pass `actualLength` instead. */
  readonly data?: Uint8Array;
  readonly actualLength?: number;
  readonly startFrame?: number;
  readonly errorCount?: number;
  /** Isochronous URBs: one descriptor per packet, after the data (vhci-hcd reads them whatever the status). */
  readonly isoPackets?: readonly IsoPacketResult[];
}

/** One iso_packet_descriptor of a RET_SUBMIT: the request's offset and length, and what happened. */
export interface IsoPacketResult {
  readonly offset: number;
  readonly length: number;
  readonly actualLength: number;
  readonly status: number;
}

export function encodeRetSubmit(fields: RetSubmitFields): Uint8Array {
  const data = fields.data ?? NO_PADDING;
  const isoPackets = fields.isoPackets ?? [];
  const out = new Uint8Array(URB_HEADER_SIZE + data.length + isoPackets.length * IsoPacketDescriptor.size);
  RetSubmit.encodeInto(
    {
      command: UrbCommand.retSubmit,
      seqnum: fields.seqnum,
      // The server side leaves devid, direction and ep zero (usbip_protocol.rst).
      devid: 0,
      direction: 0,
      ep: 0,
      status: fields.status,
      actualLength: fields.actualLength ?? data.length,
      startFrame: fields.startFrame ?? 0,
      numberOfPackets: fields.numberOfPackets,
      errorCount: fields.errorCount ?? 0,
      padding: NO_PADDING,
    },
    out,
  );
  out.set(data, URB_HEADER_SIZE);
  let at = URB_HEADER_SIZE + data.length;
  for (const packet of isoPackets) {
    IsoPacketDescriptor.encodeInto(packet, out, at);
    at += IsoPacketDescriptor.size;
  }
  return out;
}

export function encodeRetUnlink(seqnum: number, status: number): Uint8Array {
  return RetUnlink.encode({
    command: UrbCommand.retUnlink,
    seqnum,
    devid: 0,
    direction: 0,
    ep: 0,
    status,
    padding: NO_PADDING,
  });
}
