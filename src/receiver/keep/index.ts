/** Devices that outlive their link: grace, re-attach, neutral reports, freshness (docs/receiver.md). */
export {
  DeviceKeeper,
  type KeeperNotices,
  type KeeperOptions,
  type KeptDevice,
  type KeptFor,
  keptForLinkDown,
  type Taken,
} from './device-keeper.ts';
export { FreshnessFilter } from './freshness.ts';
export { NeutralReports, neutralReport } from './neutral-report.ts';
export { Outages } from './outages.ts';
export { type VirtualDeviceOptions, VirtualHidDevice } from './virtual-hid-device.ts';
export { VirtualUsbDevice, type VirtualUsbOptions } from './virtual-usb-device.ts';
