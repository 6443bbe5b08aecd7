/** USB/IP wire layouts. Every USB/IP integer is big-endian (network order). */
import { struct } from '../usb/struct.ts';

export const OpCommon = struct({ version: 'u16be', code: 'u16be', status: 'u32be' });

export const DevlistCount = struct({ deviceCount: 'u32be' });

/** `struct usbip_usb_device`, shared by OP_REP_DEVLIST and OP_REP_IMPORT (0x138 bytes). */
export const UsbipDevice = struct({
  path: { bytes: 256 },
  busId: { bytes: 32 },
  busnum: 'u32be',
  devnum: 'u32be',
  speed: 'u32be',
  idVendor: 'u16be',
  idProduct: 'u16be',
  bcdDevice: 'u16be',
  bDeviceClass: 'u8',
  bDeviceSubClass: 'u8',
  bDeviceProtocol: 'u8',
  bConfigurationValue: 'u8',
  bNumConfigurations: 'u8',
  bNumInterfaces: 'u8',
});

/** `struct usbip_usb_interface`, after each device in OP_REP_DEVLIST only. */
export const UsbipInterface = struct({
  bInterfaceClass: 'u8',
  bInterfaceSubClass: 'u8',
  bInterfaceProtocol: 'u8',
  padding: 'u8',
});

export const ImportRequest = struct({ busId: { bytes: 32 } });

/** `usbip_header_basic`: the first 20 bytes of every URB message. */
const basicHeader = {
  command: 'u32be',
  seqnum: 'u32be',
  devid: 'u32be',
  direction: 'u32be',
  ep: 'u32be',
} as const;

/** Every URB header is 48 bytes (usbip_header), whatever the command. */
export const URB_HEADER_SIZE = 48;

export const UrbHeaderBasic = struct(basicHeader);

export const CmdSubmit = struct({
  ...basicHeader,
  transferFlags: 'u32be',
  transferBufferLength: 'u32be',
  startFrame: 'u32be',
  numberOfPackets: 'u32be',
  interval: 'u32be',
  setup: { bytes: 8 },
});

export const RetSubmit = struct({
  ...basicHeader,
  status: 'i32be',
  actualLength: 'u32be',
  startFrame: 'u32be',
  numberOfPackets: 'u32be',
  errorCount: 'u32be',
  padding: { bytes: 8 },
});

export const CmdUnlink = struct({ ...basicHeader, unlinkSeqnum: 'u32be', padding: { bytes: 24 } });

export const RetUnlink = struct({ ...basicHeader, status: 'i32be', padding: { bytes: 24 } });

export const IsoPacketDescriptor = struct({
  offset: 'u32be',
  length: 'u32be',
  actualLength: 'u32be',
  status: 'i32be',
});
