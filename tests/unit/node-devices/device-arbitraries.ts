/** fast-check generators of device lists as node-hid and libusb give them (unique paths and addresses). */
import fc from 'fast-check';
import type { DeviceInfo, HidDeviceInfo, UsbDeviceInfo } from '../../../src/node-devices/index.ts';

/** Few distinct ids, so lists often hold the same VID:PID twice (a mouse in both lists, twin devices). */
const id = fc.constantFrom(0x046d, 0x1209, 0x0001, 0xffff, 0x0000);
const text = fc.oneof(fc.constant(''), fc.string({ maxLength: 12 }), fc.constantFrom('Logitech', 'ABC123'));

const hid = (index: number): fc.Arbitrary<HidDeviceInfo> =>
  fc.record({
    backend: fc.constant('hid' as const),
    vendorId: id,
    productId: id,
    manufacturer: text,
    product: text,
    serial: text,
    path: fc.constant(`/dev/hidraw${index}`),
    usages: fc.array(
      fc.record({
        usagePage: fc.integer({ min: 0, max: 0xffff }),
        usage: fc.integer({ min: 0, max: 0xffff }),
      }),
      { maxLength: 2 },
    ),
  });

const usb = (index: number): fc.Arbitrary<UsbDeviceInfo> =>
  fc.record({
    backend: fc.constant('usb' as const),
    vendorId: id,
    productId: id,
    manufacturer: text,
    product: text,
    serial: text,
    bus: fc.constant(1 + (index % 4)),
    address: fc.constant(1 + Math.floor(index / 4)),
    deviceClass: fc.constantFrom(0x00, 0x03, 0x09, 0xef, 0xff),
    interfaceClasses: fc.array(fc.constantFrom(0x03, 0x08, 0xff), { maxLength: 3 }),
  });

/** A machine's listing: up to 6 HID and 6 USB devices. */
export const deviceLists: fc.Arbitrary<DeviceInfo[]> = fc
  .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }))
  .chain(([hidCount, usbCount]) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: hidCount }, (_, i) => hid(i))),
      fc.tuple(...Array.from({ length: usbCount }, (_, i) => usb(i))),
    ),
  )
  .map(([hids, usbs]) => [...hids, ...usbs]);

export function hidDevice(overrides: Partial<HidDeviceInfo> = {}): HidDeviceInfo {
  return {
    backend: 'hid',
    vendorId: 0x046d,
    productId: 0xc52b,
    manufacturer: 'Logitech',
    product: 'USB Receiver',
    serial: '',
    path: '/dev/hidraw0',
    usages: [{ usagePage: 0x01, usage: 0x02 }],
    ...overrides,
  };
}

export function usbDevice(overrides: Partial<UsbDeviceInfo> = {}): UsbDeviceInfo {
  return {
    backend: 'usb',
    vendorId: 0x046d,
    productId: 0xc52b,
    manufacturer: 'Logitech',
    product: 'USB Receiver',
    serial: '',
    bus: 1,
    address: 4,
    deviceClass: 0x00,
    interfaceClasses: [0x03],
    ...overrides,
  };
}
