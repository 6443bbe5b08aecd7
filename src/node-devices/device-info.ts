/**
 * What `ferry list` knows of a device before opening it: plain objects, so the selector matcher and the
 * list formatter are pure functions that tests give any devices they like.
 */

/** One usage pair of a HID device's top-level collections. */
export interface HidUsage {
  readonly usagePage: number;
  readonly usage: number;
}

/** A HID device as node-hid enumerates it: one per hidraw node (path). */
export interface HidDeviceInfo {
  readonly backend: 'hid';
  readonly vendorId: number;
  readonly productId: number;
  readonly manufacturer: string;
  readonly product: string;
  readonly serial: string;
  /** The path node-hid opens: `/dev/hidrawN` on Linux. */
  readonly path: string;
  /** Its top-level collections' usages (hidapi lists each), in enumeration order. */
  readonly usages: readonly HidUsage[];
}

/** A USB device as libusb enumerates it. */
export interface UsbDeviceInfo {
  readonly backend: 'usb';
  readonly vendorId: number;
  readonly productId: number;
  /** Empty when the strings could not be read (the device could not be opened). */
  readonly manufacturer: string;
  readonly product: string;
  readonly serial: string;
  /** libusb's bus number and device address, as `usb:BUS-ADDR` names them. */
  readonly bus: number;
  readonly address: number;
  /** bDeviceClass (0: given per interface) and the interfaces' classes, in order, without repeats. */
  readonly deviceClass: number;
  readonly interfaceClasses: readonly number[];
}

export type DeviceInfo = HidDeviceInfo | UsbDeviceInfo;

/** Four lowercase hex digits, as lsusb and `ferry list` print ids. */
export const hex4 = (value: number): string => value.toString(16).padStart(4, '0');

/** `vid:pid`, e.g. `046d:c52b`. */
export const idsOf = (device: DeviceInfo): string => `${hex4(device.vendorId)}:${hex4(device.productId)}`;

/** Where the device is: its hidraw path, or `usb:BUS-ADDR`. */
export const placeOf = (device: DeviceInfo): string =>
  device.backend === 'hid' ? device.path : `usb:${device.bus}-${device.address}`;

/** Manufacturer and product, as one name (either may be missing). */
export const nameOf = (device: DeviceInfo): string =>
  [device.manufacturer.trim(), device.product.trim()].filter((part) => part !== '').join(' ');
