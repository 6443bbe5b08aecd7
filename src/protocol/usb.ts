/** Generic USB over Ferry (issue 6): frames, their decoder, and the descriptor model. See docs/webusb.md. */
export { decodeUsbFrame } from './usb-decode.ts';
export {
  decodeStringDescriptor,
  descriptorsIn,
  encodeStringDescriptor,
  parseConfiguration,
  parseDeviceDescriptor,
  type UsbAlternateInfo,
  type UsbConfigurationInfo,
  UsbDescriptorSet,
  UsbDescriptorType,
  type UsbDeviceInfo,
  type UsbEndpointInfo,
  type UsbEndpointKind,
  type UsbInterfaceInfo,
} from './usb-descriptors.ts';
export {
  encodeUsbAnnounce,
  encodeUsbCommand,
  encodeUsbCompletion,
  encodeUsbRequest,
  UsbEncodeBuffer,
} from './usb-encode.ts';
export {
  ENDPOINT_DIRECTION_IN,
  MAX_USB_FRAME_BYTES,
  USB_FRAME_RANGE,
  USB_STATUS_NAMES,
  UsbCommand,
  UsbFrameType,
  UsbLimits,
  UsbStatus,
  type UsbStatusName,
  usbStatusCode,
} from './usb-layout.ts';
export type {
  UsbAnnouncement,
  UsbCommandMessage,
  UsbCompletionMessage,
  UsbDescriptorEntry,
  UsbFrame,
  UsbIsoPacketResult,
  UsbMessage,
  UsbRequestMessage,
  UsbSetup,
} from './usb-messages.ts';
