/**
 * Gadget Zero's descriptors, as Linux's g_zero (drivers/usb/gadget/legacy/zero.c with f_sourcesink.c and
 * f_loopback.c) presents them on a high-speed UDC: vendor-specific, two configurations — source/sink
 * (value 3, listed first as with `loopdefault=0`) and loopback (value 2). All fields little-endian.
 */
import {
  encodeStringDescriptor,
  type UsbDescriptorEntry,
  UsbDescriptorType,
} from '../../../protocol/index.ts';

export const GADGET_ZERO = {
  vendorId: 0x0525,
  productId: 0xa4a0,
  bcdDevice: 0x0100,
  sourceSinkConfiguration: 3,
  loopbackConfiguration: 2,
  bulkIn: 0x81,
  bulkOut: 0x01,
  isoIn: 0x82,
  isoOut: 0x02,
  bulkPacketSize: 512,
  isoPacketSize: 1024,
  /** USB_COMP_EP0_BUFSIZ: the vendor control requests 0x5b/0x5c move at most this many bytes. */
  ep0BufferSize: 4096,
} as const;

export const GADGET_ZERO_STRINGS = {
  1: 'Ferry simulation',
  2: 'Gadget Zero',
  3: '0123456789.0123456789.0123456789',
  4: 'source and sink data',
  5: 'loop input to output',
} as const;

const USB_CLASS_VENDOR_SPEC = 0xff;
const SELF_POWERED = 0xc0;
const ENDPOINT = { bulk: 0x02, isochronous: 0x01 } as const;
const lo = (value: number) => value & 0xff;
const hi = (value: number) => value >> 8;

function deviceDescriptor(): number[] {
  // bcdUSB 2.01: a USB 2.0 device with a BOS (LPM), as composite.c reports on an LPM-capable UDC.
  const { vendorId, productId, bcdDevice } = GADGET_ZERO;
  return [
    18,
    1,
    0x01,
    0x02,
    USB_CLASS_VENDOR_SPEC,
    0,
    0,
    64,
    lo(vendorId),
    hi(vendorId),
    lo(productId),
    hi(productId),
    lo(bcdDevice),
    hi(bcdDevice),
    1,
    2,
    3,
    2,
  ];
}

const interfaceDescriptor = (alternate: number, endpoints: number, name: number) => [
  9,
  4,
  0,
  alternate,
  endpoints,
  USB_CLASS_VENDOR_SPEC,
  0,
  0,
  name,
];

const endpointDescriptor = (address: number, type: number, packetSize: number, interval: number) => [
  7,
  5,
  address,
  type,
  lo(packetSize),
  hi(packetSize),
  interval,
];

function bulkPair(): number[] {
  const { bulkIn, bulkOut, bulkPacketSize } = GADGET_ZERO;
  return [
    ...endpointDescriptor(bulkIn, ENDPOINT.bulk, bulkPacketSize, 0),
    ...endpointDescriptor(bulkOut, ENDPOINT.bulk, bulkPacketSize, 0),
  ];
}

function isoPair(): number[] {
  // bInterval 4 at high speed: one packet every 2^(4-1) = 8 microframes (1 ms), f_sourcesink's default.
  const { isoIn, isoOut, isoPacketSize } = GADGET_ZERO;
  return [
    ...endpointDescriptor(isoIn, ENDPOINT.isochronous, isoPacketSize, 4),
    ...endpointDescriptor(isoOut, ENDPOINT.isochronous, isoPacketSize, 4),
  ];
}

function configuration(value: number, name: number, body: number[]): Uint8Array {
  const total = 9 + body.length;
  // bMaxPower 1 = 2 mA (CONFIG_USB_GADGET_VBUS_DRAW's default); one interface.
  return Uint8Array.from([9, 2, lo(total), hi(total), 1, value, name, SELF_POWERED, 1, ...body]);
}

function sourceSink(): Uint8Array {
  const alt0 = [...interfaceDescriptor(0, 2, 4), ...bulkPair()];
  const alt1 = [...interfaceDescriptor(1, 4, 4), ...bulkPair(), ...isoPair()];
  return configuration(GADGET_ZERO.sourceSinkConfiguration, 4, [...alt0, ...alt1]);
}

function loopback(): Uint8Array {
  return configuration(GADGET_ZERO.loopbackConfiguration, 5, [
    ...interfaceDescriptor(0, 2, 5),
    ...bulkPair(),
  ]);
}

/** BOS with one USB 2.0 Extension capability: LPM and BESL supported. */
function bos(): Uint8Array {
  return Uint8Array.from([5, 0x0f, 12, 0, 1, 7, 0x10, 0x02, 0x06, 0, 0, 0]);
}

const entry = (type: number, index: number, bytes: Uint8Array, langId = 0): UsbDescriptorEntry => ({
  type,
  index,
  langId,
  bytes,
});

export function gadgetZeroDescriptors(): UsbDescriptorEntry[] {
  const english = 0x0409;
  return [
    entry(UsbDescriptorType.device, 0, Uint8Array.from(deviceDescriptor())),
    entry(UsbDescriptorType.configuration, 0, sourceSink()),
    entry(UsbDescriptorType.configuration, 1, loopback()),
    entry(UsbDescriptorType.bos, 0, bos()),
    entry(UsbDescriptorType.string, 0, Uint8Array.from([4, 3, lo(english), hi(english)])),
    ...Object.entries(GADGET_ZERO_STRINGS).map(([index, text]) =>
      entry(UsbDescriptorType.string, Number(index), encodeStringDescriptor(text), english),
    ),
  ];
}
