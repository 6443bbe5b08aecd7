/**
 * Finds a stored device again after a reload, with no user gesture: WebHID's and WebUSB's getDevices()
 * list the devices this origin was granted earlier (Chrome keeps the grant across reloads), and the demo
 * devices are simply made anew.
 */
import type { UsbEvents } from '../../devices/usb/index.ts';
import type { StoredDevice } from '../lib/stored-share.ts';

type HidEvents = Pick<HID, 'addEventListener' | 'removeEventListener'>;

export interface Reopeners {
  demo(): Promise<void>;
  usbDemo(): Promise<void>;
  hid(device: HIDDevice, hid: HidEvents): Promise<void>;
  usb(device: USBDevice, usb: UsbEvents): Promise<void>;
}

/** Opens `stored` again through `open`; `taken` keeps two identical devices from matching one. */
export async function reopenDevice(
  stored: StoredDevice,
  taken: Set<HIDDevice | USBDevice>,
  open: Reopeners,
): Promise<void> {
  switch (stored.kind) {
    case 'demo':
      return open.demo();
    case 'usb-demo':
      return open.usbDemo();
    case 'hid': {
      const hid = navigator.hid;
      const granted = await hid.getDevices();
      const found = granted.find(
        (device) =>
          !taken.has(device) &&
          device.vendorId === stored.vendorId &&
          device.productId === stored.productId &&
          device.productName === stored.productName,
      );
      if (!found)
        throw new Error(
          `${stored.productName || 'The HID device'} is not here any more: plug it in and share it again.`,
        );
      taken.add(found);
      return open.hid(found, hid);
    }
    case 'usb': {
      const usb = navigator.usb;
      const granted = await usb.getDevices();
      const found = granted.find(
        (device) =>
          !taken.has(device) &&
          device.vendorId === stored.vendorId &&
          device.productId === stored.productId &&
          (stored.serialNumber === undefined || device.serialNumber === stored.serialNumber),
      );
      if (!found) throw new Error('The USB device is not here any more: plug it in and share it again.');
      taken.add(found);
      return open.usb(found, usb);
    }
  }
}
