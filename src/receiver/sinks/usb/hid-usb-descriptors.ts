/**
 * The USB face of a shared HID device: a full-speed device with one configuration, one HID interface
 * and one interrupt IN endpoint (plus interrupt OUT when the device has output reports), wrapped around
 * the report descriptor the sharer sent. Built once per device; standard requests are answered from it.
 */
import {
  ConfigurationDescriptor,
  DescriptorType,
  DeviceDescriptor,
  EndpointDescriptor,
  HidDescriptor,
  InterfaceDescriptor,
} from './descriptor-layouts.ts';
import { languageTableDescriptor, stringDescriptor } from './string-descriptors.ts';

export const FULL_SPEED_MAX_PACKET = 64;
export const INTERRUPT_IN_ENDPOINT = 0x81;
export const INTERRUPT_OUT_ENDPOINT = 0x01;
export const CONFIGURATION_VALUE = 1;
export const HID_INTERFACE_NUMBER = 0;
export const USB_CLASS_HID = 0x03;
export const STRING_INDEX = { manufacturer: 1, product: 2, serial: 3 } as const;
const ENDPOINT_TYPE_INTERRUPT = 0x03;
const BUS_POWERED = 0x80;
/** 100 mA, in units of 2 mA. */
const MAX_POWER_100MA = 50;

export interface HidUsbDeviceOptions {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName: string;
  readonly serialNumber: string;
  readonly reportDescriptor: Uint8Array;
  readonly usesReportIds: boolean;
  /** Largest input report in bytes, WITHOUT the report id byte (src/hid reportLayout). */
  readonly maxInputReportSize: number;
  /** Largest output report in bytes, WITHOUT the id byte; 0 = no output reports, no OUT endpoint. */
  readonly maxOutputReportSize: number;
  readonly bcdDevice?: number;
  readonly manufacturer?: string;
}

export interface InterruptEndpoint {
  readonly address: number;
  readonly maxPacketSize: number;
  /** Frames (ms at full speed). */
  readonly interval: number;
}

export interface HidUsbDescriptors {
  readonly vendorId: number;
  readonly productId: number;
  readonly bcdDevice: number;
  readonly usesReportIds: boolean;
  readonly device: Uint8Array;
  /** Configuration + interface + HID + endpoint descriptors, as GET_DESCRIPTOR(CONFIGURATION) returns. */
  readonly configuration: Uint8Array;
  readonly hid: Uint8Array;
  readonly report: Uint8Array;
  /** By string index; index 0 is the LANGID table. */
  readonly strings: ReadonlyMap<number, Uint8Array>;
  readonly interruptIn: InterruptEndpoint;
  readonly interruptOut: InterruptEndpoint | undefined;
}

/** wMaxPacketSize for a report of `size` data bytes: the id byte counts, full speed caps at 64. */
export function endpointPacketSize(size: number, usesReportIds: boolean): number {
  const withId = size + (usesReportIds ? 1 : 0);
  return Math.max(1, Math.min(FULL_SPEED_MAX_PACKET, withId));
}

export function buildHidUsbDescriptors(options: HidUsbDeviceOptions): HidUsbDescriptors {
  if (options.reportDescriptor.length > 0xffff)
    throw new RangeError('report descriptor longer than 65535 bytes');
  const bcdDevice = options.bcdDevice ?? 0x0100;
  const interruptIn = interruptEndpoint(INTERRUPT_IN_ENDPOINT, options.maxInputReportSize, options);
  const interruptOut =
    options.maxOutputReportSize > 0
      ? interruptEndpoint(INTERRUPT_OUT_ENDPOINT, options.maxOutputReportSize, options)
      : undefined;
  const hid = hidDescriptor(options.reportDescriptor.length);
  return {
    vendorId: options.vendorId,
    productId: options.productId,
    bcdDevice,
    usesReportIds: options.usesReportIds,
    device: deviceDescriptor(options, bcdDevice),
    configuration: configurationBundle(hid, interruptIn, interruptOut),
    hid,
    report: options.reportDescriptor,
    strings: new Map([
      [0, languageTableDescriptor()],
      [STRING_INDEX.manufacturer, stringDescriptor(options.manufacturer ?? 'Ferry')],
      [STRING_INDEX.product, stringDescriptor(options.productName)],
      [STRING_INDEX.serial, stringDescriptor(options.serialNumber)],
    ]),
    interruptIn,
    interruptOut,
  };
}

function interruptEndpoint(
  address: number,
  reportSize: number,
  options: HidUsbDeviceOptions,
): InterruptEndpoint {
  return { address, maxPacketSize: endpointPacketSize(reportSize, options.usesReportIds), interval: 1 };
}

function deviceDescriptor(options: HidUsbDeviceOptions, bcdDevice: number): Uint8Array {
  return DeviceDescriptor.encode({
    bLength: DeviceDescriptor.size,
    bDescriptorType: DescriptorType.device,
    bcdUSB: 0x0200,
    // Class 0: the class is declared per interface (HID never sits at device level).
    bDeviceClass: 0,
    bDeviceSubClass: 0,
    bDeviceProtocol: 0,
    bMaxPacketSize0: FULL_SPEED_MAX_PACKET,
    idVendor: options.vendorId,
    idProduct: options.productId,
    bcdDevice,
    iManufacturer: STRING_INDEX.manufacturer,
    iProduct: STRING_INDEX.product,
    iSerialNumber: STRING_INDEX.serial,
    bNumConfigurations: 1,
  });
}

function hidDescriptor(reportDescriptorLength: number): Uint8Array {
  return HidDescriptor.encode({
    bLength: HidDescriptor.size,
    bDescriptorType: DescriptorType.hid,
    bcdHID: 0x0111,
    bCountryCode: 0,
    bNumDescriptors: 1,
    bClassDescriptorType: DescriptorType.report,
    wDescriptorLength: reportDescriptorLength,
  });
}

function endpointDescriptor(endpoint: InterruptEndpoint): Uint8Array {
  return EndpointDescriptor.encode({
    bLength: EndpointDescriptor.size,
    bDescriptorType: DescriptorType.endpoint,
    bEndpointAddress: endpoint.address,
    bmAttributes: ENDPOINT_TYPE_INTERRUPT,
    wMaxPacketSize: endpoint.maxPacketSize,
    bInterval: endpoint.interval,
  });
}

function configurationBundle(
  hid: Uint8Array,
  interruptIn: InterruptEndpoint,
  interruptOut: InterruptEndpoint | undefined,
): Uint8Array {
  const endpoints = [interruptIn, interruptOut].filter((e) => e !== undefined).map(endpointDescriptor);
  const iface = InterfaceDescriptor.encode({
    bLength: InterfaceDescriptor.size,
    bDescriptorType: DescriptorType.interface,
    bInterfaceNumber: HID_INTERFACE_NUMBER,
    bAlternateSetting: 0,
    bNumEndpoints: endpoints.length,
    bInterfaceClass: USB_CLASS_HID,
    // Subclass/protocol 0: not a boot device; the report descriptor is authoritative.
    bInterfaceSubClass: 0,
    bInterfaceProtocol: 0,
    iInterface: 0,
  });
  const parts = [iface, hid, ...endpoints];
  const totalLength = ConfigurationDescriptor.size + parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(totalLength);
  ConfigurationDescriptor.encodeInto(
    {
      bLength: ConfigurationDescriptor.size,
      bDescriptorType: DescriptorType.configuration,
      wTotalLength: totalLength,
      bNumInterfaces: 1,
      bConfigurationValue: CONFIGURATION_VALUE,
      iConfiguration: 0,
      bmAttributes: BUS_POWERED,
      bMaxPower: MAX_POWER_100MA,
    },
    out,
  );
  let at = ConfigurationDescriptor.size;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
