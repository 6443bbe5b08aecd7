import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSetup } from '../../../src/receiver/sinks/usb/control.ts';
import {
  ConfigurationDescriptor,
  DeviceDescriptor,
  EndpointDescriptor,
  HidDescriptor,
  InterfaceDescriptor,
} from '../../../src/receiver/sinks/usb/descriptor-layouts.ts';
import { HidFunction } from '../../../src/receiver/sinks/usb/hid-function.ts';
import {
  buildHidUsbDescriptors,
  type HidUsbDeviceOptions,
} from '../../../src/receiver/sinks/usb/hid-usb-descriptors.ts';
import { struct } from '../../../src/receiver/sinks/usb/struct.ts';
import { FakeHidDevice, hex, loadCorpus } from './usb-test-device.ts';

const keyboard = loadCorpus('cherry-keyboard-usb');
const options = (overrides: Partial<HidUsbDeviceOptions> = {}): HidUsbDeviceOptions => ({
  vendorId: 0x046a,
  productId: 0x0011,
  productName: 'Cherry keyboard',
  serialNumber: 'ferry-1-1',
  reportDescriptor: hex(keyboard.descriptor),
  usesReportIds: false,
  maxInputReportSize: 8,
  maxOutputReportSize: 1,
  ...overrides,
});

describe('HID USB descriptors', () => {
  it('builds a full-speed HID device around the report descriptor', () => {
    const d = buildHidUsbDescriptors(options());
    expect(DeviceDescriptor.decode(d.device)).toEqual({
      bLength: 18,
      bDescriptorType: 1,
      bcdUSB: 0x0200,
      bDeviceClass: 0,
      bDeviceSubClass: 0,
      bDeviceProtocol: 0,
      bMaxPacketSize0: 64,
      idVendor: 0x046a,
      idProduct: 0x0011,
      bcdDevice: 0x0100,
      iManufacturer: 1,
      iProduct: 2,
      iSerialNumber: 3,
      bNumConfigurations: 1,
    });
    const config = ConfigurationDescriptor.decode(d.configuration);
    expect(config).toMatchObject({
      wTotalLength: 9 + 9 + 9 + 7 + 7,
      bNumInterfaces: 1,
      bConfigurationValue: 1,
      bmAttributes: 0x80,
    });
    expect(d.configuration.length).toBe(config.wTotalLength);
    expect(InterfaceDescriptor.decode(d.configuration, 9)).toMatchObject({
      bNumEndpoints: 2,
      bInterfaceClass: 3,
      bInterfaceSubClass: 0,
      bInterfaceProtocol: 0,
    });
    expect(HidDescriptor.decode(d.configuration, 18)).toMatchObject({
      bcdHID: 0x0111,
      bClassDescriptorType: 0x22,
      wDescriptorLength: 66,
    });
    expect(EndpointDescriptor.decode(d.configuration, 27)).toEqual({
      bLength: 7,
      bDescriptorType: 5,
      bEndpointAddress: 0x81,
      bmAttributes: 3,
      wMaxPacketSize: 8,
      bInterval: 1,
    });
    expect(EndpointDescriptor.decode(d.configuration, 34)).toMatchObject({
      bEndpointAddress: 0x01,
      wMaxPacketSize: 1,
    });
    expect([...(d.strings.get(0) ?? [])]).toEqual([4, 3, 0x09, 0x04]);
    expect(Buffer.from(d.strings.get(1)?.subarray(2) ?? []).toString('utf16le')).toBe('Ferry');
    expect(Buffer.from(d.strings.get(3)?.subarray(2) ?? []).toString('utf16le')).toBe('ferry-1-1');
  });

  it('sizes endpoints with the report id byte, capped at 64, and omits OUT without output reports', () => {
    const d = buildHidUsbDescriptors(
      options({ usesReportIds: true, maxInputReportSize: 63, maxOutputReportSize: 0 }),
    );
    expect(d.interruptIn.maxPacketSize).toBe(64);
    expect(d.interruptOut).toBeUndefined();
    expect(InterfaceDescriptor.decode(d.configuration, 9).bNumEndpoints).toBe(1);
    expect(buildHidUsbDescriptors(options({ maxInputReportSize: 500 })).interruptIn.maxPacketSize).toBe(64);
  });

  it('answers standard GET_DESCRIPTOR requests, truncated to wLength', async () => {
    const fn = new HidFunction(
      FakeHidDevice.fromCorpus('cherry-keyboard-usb'),
      buildHidUsbDescriptors(options()),
    );
    const get = (bytes: number[]) => fn.control(parseSetup(Uint8Array.from(bytes)), new Uint8Array(0));
    expect(await get([0x80, 6, 0, 1, 0, 0, 8, 0])).toMatchObject({
      status: 'ok',
      data: expect.objectContaining({ length: 8 }),
    });
    expect(await get([0x80, 6, 0, 2, 0, 0, 0xff, 0])).toMatchObject({
      status: 'ok',
      data: expect.objectContaining({ length: 41 }),
    });
    expect(await get([0x81, 6, 0, 0x22, 0, 0, 0xff, 0])).toMatchObject({
      status: 'ok',
      data: expect.objectContaining({ length: 66 }),
    });
    expect(await get([0x80, 6, 0, 6, 0, 0, 10, 0])).toEqual({ status: 'stall' }); // device qualifier
    expect(await get([0x80, 6, 7, 3, 9, 4, 0xff, 0])).toEqual({ status: 'stall' }); // no string 7
    expect(await get([0x00, 9, 1, 0, 0, 0, 0, 0])).toMatchObject({ status: 'ok' });
    expect(await get([0x80, 8, 0, 0, 0, 0, 1, 0])).toMatchObject({ status: 'ok', data: Uint8Array.of(1) });
  });
});

describe('struct layouts', () => {
  const layout = struct({
    a: 'u8',
    b: 'u16le',
    c: 'u16be',
    d: 'u32le',
    e: 'u32be',
    f: 'i32be',
    g: 'u64le',
    h: { bytes: 3 },
  });
  it('round-trips every field type', () => {
    fc.assert(
      fc.property(
        fc.record({
          a: fc.integer({ min: 0, max: 0xff }),
          b: fc.integer({ min: 0, max: 0xffff }),
          c: fc.integer({ min: 0, max: 0xffff }),
          d: fc.integer({ min: 0, max: 0xffffffff }),
          e: fc.integer({ min: 0, max: 0xffffffff }),
          f: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
          g: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          h: fc.uint8Array({ minLength: 3, maxLength: 3 }),
        }),
        (value) => {
          expect(layout.decode(layout.encode(value))).toEqual(value);
        },
      ),
    );
    expect(layout.size).toBe(1 + 2 + 2 + 4 + 4 + 4 + 8 + 3);
  });
});
