export type { BlockedInterface } from './claim-interfaces.ts';
export { statusFromError, UsbSourceError, type UsbSourceErrorCode } from './errors.ts';
export { PROTECTED_INTERFACE_CLASSES } from './protected-classes.ts';
export { readDescriptors } from './read-descriptors.ts';
export { ChromeUsbMessage } from './simulated/chrome-usb-rules.ts';
export { GadgetZero, GadgetZeroRequest, gadgetZeroPattern } from './simulated/gadget-zero.ts';
export {
  GADGET_ZERO,
  GADGET_ZERO_STRINGS,
  gadgetZeroDescriptors,
} from './simulated/gadget-zero-descriptors.ts';
export { SimulatedUsbDevice, type SimulatedUsbDeviceOptions } from './simulated/simulated-usb-device.ts';
export { bcd, configurationShape, type InterfaceState } from './simulated/webusb-shape.ts';
export { type FunctionResult, TransferAborted, type UsbFunctionModel } from './usb-function.ts';
export {
  DEFAULT_MAX_IN_FLIGHT,
  type UsbEvents,
  WebUsbSource,
  type WebUsbSourceOptions,
} from './webusb-source.ts';
