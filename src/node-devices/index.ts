/**
 * Devices that only Node can give, beside the platform-free src/devices: a hid-recorder file replayed as
 * a live HID device (`ferry share --replay`), and the machine's real HID and USB devices through node-hid
 * and usb (`ferry list`, `ferry share <selector>`), whose native addons load only when those need them.
 */
export {
  type DeviceInfo,
  type HidDeviceInfo,
  type HidUsage,
  hex4,
  idsOf,
  nameOf,
  placeOf,
  type UsbDeviceInfo,
} from './device-info.ts';
export { hidDevicesFrom, listHidDevices } from './hid-devices.ts';
export { HidrawDescriptorError, readHidrawDescriptor, sysfsDescriptorPath } from './hidraw-descriptor.ts';
export { loadNodeHid, loadNodeUsb, NativeModuleError } from './native-modules.ts';
export { type HidHandle, NodeHidSource, type NodeHidSourceInfo } from './node-hid-source.ts';
export { DeviceOpenError, openHidDevice, openUsbDevice } from './open-devices.ts';
export { openRecordingFile, RecordingFileError, type RecordingFileOptions } from './recording-file.ts';
export {
  type Backend,
  type DeviceSelector,
  describeDevice,
  isSelector,
  matchSelector,
  matchSelectors,
  parseSelector,
  printable,
  SELECTOR_FORMS,
  ShareSelectorError,
  type ShareSelectorErrorCode,
  selectorFor,
} from './selector.ts';
export { systemClock } from './system-clock.ts';
export { listUsbDevices } from './usb-devices.ts';
