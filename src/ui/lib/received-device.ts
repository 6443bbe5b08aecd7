import type { RemoteDevice, RemoteUsbDevice } from '../../transport/index.ts';

/**
 * What the receiver page's device panel uses of a shared HID device: a link's RemoteDevice, or the
 * page's HidTile, which outlives the link (controllers/hid-tile.ts).
 */
export type ReceivedHidDevice = Pick<
  RemoteDevice,
  'announcement' | 'onInput' | 'sendOutputReport' | 'getFeatureReport' | 'setFeatureReport'
>;

/**
 * What the receiver page's USB panel uses of a shared generic USB device: a link's RemoteUsbDevice, or
 * the page's UsbTile, which outlives the link (controllers/usb-tile.ts).
 */
export type ReceivedUsbDevice = Pick<
  RemoteUsbDevice,
  | 'descriptors'
  | 'activeConfiguration'
  | 'controlTransfer'
  | 'transferIn'
  | 'transferOut'
  | 'selectConfiguration'
  | 'selectAlternateInterface'
>;
