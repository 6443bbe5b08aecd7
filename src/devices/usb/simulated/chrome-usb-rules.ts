/**
 * Chrome's WebUSB refusals, with the exception names and messages Chromium uses
 * (third_party/blink/renderer/modules/webusb/usb_device.cc; protected classes: ../protected-classes.ts).
 */

export { PROTECTED_INTERFACE_CLASSES } from '../protected-classes.ts';

export const ChromeUsbMessage = {
  openRequired: 'The device must be opened first.',
  configurationRequired: 'The device must have a configuration selected.',
  disconnected: 'The device was disconnected.',
  stateChange: 'An operation that changes the device state is in progress.',
  interfaceStateChange: 'An operation that changes interface state is in progress.',
  interfaceNotFound:
    'The interface number provided is not supported by the device in its current configuration.',
  interfaceNotClaimed: 'The specified interface has not been claimed.',
  alternateNotFound:
    'The alternate setting provided is not supported by the device in its current configuration.',
  configurationNotFound: 'The configuration value provided is not supported by the device.',
  protectedClass: 'The requested interface implements a protected class.',
  endpointOutOfRange: 'The specified endpoint number is out of range.',
  endpointNotAvailable: 'The specified endpoint is not part of a claimed and selected alternate interface.',
  cancelled: 'The transfer was cancelled.',
  sizeMismatch: 'The data buffer size must match the total packet length.',
} as const;

export const domError = (name: string, message: string) => new DOMException(message, name);
