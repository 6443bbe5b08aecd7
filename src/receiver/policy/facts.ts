/**
 * What a policy looks at in an offered device, read from its announcement: its USB ids and its parts —
 * the top-level collections of a HID device, the interfaces of a generic USB device.
 */
import { type DeviceAnnouncement, type UsbAnnouncement, UsbDescriptorSet } from '../../protocol/index.ts';

/** The USB interface class of every device shared through WebHID: HID. */
export const HID_INTERFACE_CLASS = 0x03;

export interface DevicePart {
  /** A HID top-level collection's usage page and usage; absent for a USB interface. */
  readonly usage?: { readonly page: number; readonly usage: number };
  readonly interfaceClass: number;
}

export interface DeviceFacts {
  readonly kind: 'hid' | 'usb';
  readonly name: string;
  readonly vendorId: number;
  readonly productId: number;
  /** bDeviceClass of a USB device (0: see the interfaces); 0 for HID, which WebHID does not tell. */
  readonly deviceClass: number;
  readonly parts: readonly DevicePart[];
}

export function hidFacts(announcement: DeviceAnnouncement): DeviceFacts {
  return {
    kind: 'hid',
    name: announcement.productName,
    vendorId: announcement.vendorId,
    productId: announcement.productId,
    deviceClass: 0,
    parts: announcement.collections.map((collection) => ({
      usage: { page: collection.usagePage, usage: collection.usage },
      interfaceClass: HID_INTERFACE_CLASS,
    })),
  };
}

/** Undefined when the descriptors do not parse: such a device cannot be told apart, so it is not let in. */
export function usbFacts(announcement: UsbAnnouncement): DeviceFacts | undefined {
  let descriptors: UsbDescriptorSet;
  try {
    descriptors = new UsbDescriptorSet(announcement.descriptors);
  } catch {
    return undefined;
  }
  const { device } = descriptors;
  const classes = new Set<number>();
  for (const configuration of descriptors.configurations)
    for (const iface of configuration.interfaces)
      for (const alternate of iface.alternates) classes.add(alternate.interfaceClass);
  return {
    kind: 'usb',
    name: descriptors.string(device.productIndex) ?? 'USB device',
    vendorId: device.vendorId,
    productId: device.productId,
    deviceClass: device.deviceClass,
    parts: [...classes].map((interfaceClass) => ({ interfaceClass })),
  };
}

const hex4 = (value: number) => value.toString(16).padStart(4, '0');

/** "Cherry keyboard (046a:0011)", as refusal lines name a device. */
export function describeDevice(facts: Pick<DeviceFacts, 'name' | 'vendorId' | 'productId'>): string {
  return `${facts.name} (${hex4(facts.vendorId)}:${hex4(facts.productId)})`;
}
