/**
 * Interface classes Chrome will not let a page claim — other browser APIs or the OS own them.
 * Chromium: services/device/usb/mojo/device_impl.cc checks `blocked_interface_classes_` on every
 * alternate of the interface; chrome/browser/usb/web_usb_service_impl_unittest.cc lists them.
 */
export const PROTECTED_INTERFACE_CLASSES: ReadonlyMap<number, string> = new Map([
  [0x01, 'audio'],
  [0x03, 'HID'],
  [0x08, 'mass storage'],
  [0x0b, 'smart card'],
  [0x0e, 'video'],
  [0x10, 'audio/video'],
  [0xe0, 'wireless controller (Bluetooth)'],
]);
