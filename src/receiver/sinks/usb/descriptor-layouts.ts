/** USB 2.0 chapter 9 and HID 1.11 descriptor layouts. All USB descriptor fields are little-endian. */
import { struct } from './struct.ts';

export const DescriptorType = {
  device: 0x01,
  configuration: 0x02,
  string: 0x03,
  interface: 0x04,
  endpoint: 0x05,
  deviceQualifier: 0x06,
  hid: 0x21,
  report: 0x22,
} as const;

export const DeviceDescriptor = struct({
  bLength: 'u8',
  bDescriptorType: 'u8',
  bcdUSB: 'u16le',
  bDeviceClass: 'u8',
  bDeviceSubClass: 'u8',
  bDeviceProtocol: 'u8',
  bMaxPacketSize0: 'u8',
  idVendor: 'u16le',
  idProduct: 'u16le',
  bcdDevice: 'u16le',
  iManufacturer: 'u8',
  iProduct: 'u8',
  iSerialNumber: 'u8',
  bNumConfigurations: 'u8',
});

export const ConfigurationDescriptor = struct({
  bLength: 'u8',
  bDescriptorType: 'u8',
  wTotalLength: 'u16le',
  bNumInterfaces: 'u8',
  bConfigurationValue: 'u8',
  iConfiguration: 'u8',
  bmAttributes: 'u8',
  bMaxPower: 'u8',
});

export const InterfaceDescriptor = struct({
  bLength: 'u8',
  bDescriptorType: 'u8',
  bInterfaceNumber: 'u8',
  bAlternateSetting: 'u8',
  bNumEndpoints: 'u8',
  bInterfaceClass: 'u8',
  bInterfaceSubClass: 'u8',
  bInterfaceProtocol: 'u8',
  iInterface: 'u8',
});

/** HID 1.11 section 6.2.1, with exactly one class descriptor (the report descriptor). */
export const HidDescriptor = struct({
  bLength: 'u8',
  bDescriptorType: 'u8',
  bcdHID: 'u16le',
  bCountryCode: 'u8',
  bNumDescriptors: 'u8',
  bClassDescriptorType: 'u8',
  wDescriptorLength: 'u16le',
});

export const EndpointDescriptor = struct({
  bLength: 'u8',
  bDescriptorType: 'u8',
  bEndpointAddress: 'u8',
  bmAttributes: 'u8',
  wMaxPacketSize: 'u16le',
  bInterval: 'u8',
});

/** The 8-byte SETUP packet of a control transfer (USB 2.0 section 9.3). */
export const SetupPacketLayout = struct({
  bmRequestType: 'u8',
  bRequest: 'u8',
  wValue: 'u16le',
  wIndex: 'u16le',
  wLength: 'u16le',
});
