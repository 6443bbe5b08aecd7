/**
 * The receiver's sinks by name: `createSink('usbip', options)` builds one, `createSinks` builds the set
 * `ferry receive --sink …` asked for. See docs/receiver.md for what each needs on the server.
 */
import { FanOutSink } from './fan-out.ts';
import { LogSink, type LogSinkOptions } from './log-sink.ts';
import { hidReportSizes } from './report-sizes.ts';
import type { Sink } from './types.ts';
import { UhidSink } from './uhid/index.ts';
import type { Logger } from './usb/peer-link.ts';
import { isLoopbackHost } from './usb/tcp-server.ts';
import { USBIP_DEFAULT_PORT } from './usbip/protocol.ts';
import { UsbipSink } from './usbip/sink.ts';
import { USBREDIR_DEFAULT_PORT, UsbredirSink } from './usbredir/sink.ts';

export { FanOutSink } from './fan-out.ts';
export { LogSink } from './log-sink.ts';
export { RecordSink } from './record-sink.ts';
export { hidReportSizes } from './report-sizes.ts';
export type { RemoteHidDevice, RemoteHidDeviceInfo, Sink } from './types.ts';
export { RemoteDeviceError } from './types.ts';
export { UhidSink } from './uhid/index.ts';
export { UsbipSink } from './usbip/sink.ts';
export { UsbredirSink } from './usbredir/sink.ts';

export const SINK_NAMES = ['log', 'uhid', 'usbip', 'usbredir'] as const;
export type SinkName = (typeof SINK_NAMES)[number];

export function isSinkName(name: string): name is SinkName {
  return (SINK_NAMES as readonly string[]).includes(name);
}

export interface TcpListen {
  readonly host: string;
  readonly port: number;
}

/** What each sink needs; a sink reads only its own part. */
export interface SinkOptions {
  readonly log: LogSinkOptions;
  readonly uhid: { readonly path: string };
  readonly usbip: TcpListen;
  readonly usbredir: TcpListen;
  /** Where sinks report what belongs to no caller (a dropped client, a failed output report). */
  readonly warn: (line: string) => void;
}

export const DEFAULT_SINK_ADDRESSES = {
  uhidPath: '/dev/uhid',
  usbip: { host: '127.0.0.1', port: USBIP_DEFAULT_PORT },
  usbredir: { host: '127.0.0.1', port: USBREDIR_DEFAULT_PORT },
} as const;

function loggerFor(warn: (line: string) => void): Logger {
  return {
    warn: (message, error) => warn(error instanceof Error ? `${message}: ${error.message}` : message),
  };
}

/** Neither USB/IP nor usbredir authenticates its clients: say so whenever one listens beyond loopback. */
function warnIfExposed(protocol: string, { host, port }: TcpListen, warn: (line: string) => void): void {
  if (isLoopbackHost(host)) return;
  warn(
    `warning: ${protocol} has no authentication or encryption — anyone who can reach ${host}:${port} ` +
      'can use the shared device; prefer the default 127.0.0.1 and an SSH tunnel',
  );
}

export function createSink(name: SinkName, options: SinkOptions): Sink {
  const logger = loggerFor(options.warn);
  switch (name) {
    case 'log':
      return new LogSink(options.log);
    case 'uhid':
      return new UhidSink({
        path: options.uhid.path,
        onError: (error) => options.warn(`uhid: ${error.message}`),
      });
    case 'usbip':
      warnIfExposed('USB/IP', options.usbip, options.warn);
      return new UsbipSink({ ...options.usbip, reportSizes: hidReportSizes, logger });
    case 'usbredir':
      warnIfExposed('usbredir', options.usbredir, options.warn);
      return new UsbredirSink({ ...options.usbredir, reportSizes: hidReportSizes, logger });
  }
}

/** One sink per distinct name (in the order given); several are combined so every device reaches each. */
export function createSinks(names: readonly SinkName[], options: SinkOptions): Sink {
  const sinks = [...new Set(names)].map((name) => createSink(name, options));
  return sinks.length === 1 && sinks[0] ? sinks[0] : new FanOutSink(sinks);
}
