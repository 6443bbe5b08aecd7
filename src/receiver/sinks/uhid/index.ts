export { type OpenUhidChannel, openUhidChannel, type UhidChannel, UhidEventSplitter } from './channel.ts';
export { decodeUhidEvent, encodeInput2, encodeUhidEvent } from './codec.ts';
export { UhidProtocolError, UhidStartTimeoutError, UhidUnavailableError } from './errors.ts';
export type { UhidCreate2, UhidEvent, UhidEventOf } from './events.ts';
export { findHidrawNode, waitForHidrawNode } from './hidraw.ts';
export {
  BUS_BLUETOOTH,
  BUS_USB,
  UHID_EVENT_SIZE,
  UhidDevFlag,
  UhidEventType,
  UhidReportType,
} from './layout.ts';
export { type UhidBus, UhidSink, type UhidSinkOptions } from './sink.ts';
