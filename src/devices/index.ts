export { DeviceError, deviceErrorFrom, type HidSource } from './hid-source.ts';
export { reportByteLengths } from './report-lengths.ts';
export { SimulatedHidDevice } from './simulated/simulated-hid-device.ts';
export {
  AXIS_LIMIT,
  type Axes,
  DemoSpaceNavigator,
  spaceNavigatorDescriptor,
} from './simulated/spacenavigator.ts';
export * from './usb/index.ts';
export { WebHidSource } from './webhid-source.ts';
