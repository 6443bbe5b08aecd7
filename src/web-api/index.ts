/**
 * Remote devices for web apps (docs/web-api.md): `connect(link)` resolves to a `navigator.hid`-shaped
 * object whose devices are the ones a Ferry share carries. Browser-only; built into `dist/ferry-hid.js`
 * (`vite build --mode web-api`, vite.config.ts), which the server serves to any origin.
 */
export { type ConnectOptions, connect, connectUSB } from './connect.ts';
export { FerryHIDDevice } from './device.ts';
export { FerryHIDConnectionEvent, FerryHIDInputReportEvent, FerryUSBConnectionEvent } from './events.ts';
export { FerryHID, type HIDRequestOptions } from './hid.ts';
export { FerryUSB } from './usb.ts';
export { FerryUSBDevice } from './usb-device.ts';
