/** `ferry receive`'s sink flags: parsing them, and opening the sinks they ask for before pairing. */
import { InvalidArgumentError } from 'commander';
import { CaptureSink } from './sinks/capture/index.ts';
import {
  createSinks,
  DEFAULT_SINK_ADDRESSES,
  FanOutSink,
  isSinkName,
  RecordSink,
  SINK_NAMES,
  type Sink,
  type SinkName,
} from './sinks/index.ts';

export interface SinkFlags {
  /** Empty when no --sink was given: the log sink is the default only then. */
  readonly sink: readonly SinkName[];
  readonly json: boolean;
  readonly uhidPath: string;
  readonly usbipHost: string;
  readonly usbipPort: number;
  readonly usbredirHost: string;
  readonly usbredirPort: number;
  /** `--record FILE`: hid-recorder lines go to FILE as well, whatever the sinks. */
  readonly record?: string;
  /** `--capture FILE`: the USB-level traffic goes to FILE as pcapng (usbmon records), whatever the sinks. */
  readonly capture?: string;
}

export interface SinkIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const SINK_FLAG_DEFAULTS = {
  uhidPath: DEFAULT_SINK_ADDRESSES.uhidPath,
  usbipHost: DEFAULT_SINK_ADDRESSES.usbip.host,
  usbipPort: DEFAULT_SINK_ADDRESSES.usbip.port,
  usbredirHost: DEFAULT_SINK_ADDRESSES.usbredir.host,
  usbredirPort: DEFAULT_SINK_ADDRESSES.usbredir.port,
} as const;

/** commander argParser for a repeatable --sink (no default, so that help does not print "(default: [])"). */
export function collectSinkName(value: string, previous: SinkName[] | undefined): SinkName[] {
  if (!isSinkName(value)) throw new InvalidArgumentError(`available sinks: ${SINK_NAMES.join(', ')}`);
  return [...(previous ?? []), value];
}

/** commander argParser for a TCP port; 0 lets the system pick a free one (the hint line shows it). */
export function tcpPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError('expected a port 0–65535');
  return port;
}

/**
 * Builds the sinks and checks each can work (uhid opens /dev/uhid, usbip binds its port), so that
 * `ferry receive --sink uhid` on a machine without uhid fails at once with the fix, not after pairing.
 */
export async function openSinks(flags: SinkFlags, io: SinkIo): Promise<Sink> {
  const names: readonly SinkName[] = flags.sink.length > 0 ? flags.sink : ['log'];
  const sink = createSinks(names, {
    log: { json: flags.json, write: io.out },
    uhid: { path: flags.uhidPath },
    usbip: { host: flags.usbipHost, port: flags.usbipPort },
    usbredir: { host: flags.usbredirHost, port: flags.usbredirPort },
    warn: (line) => io.err(`ferry: ${line}`),
  });
  const all = withFileSinks(sink, flags, io);
  await all.prepare?.();
  return all;
}

/**
 * --capture and --record ride along with whatever sinks were chosen. The capture comes first, so it
 * watches each device before any other sink can make a request of it.
 */
function withFileSinks(sink: Sink, flags: SinkFlags, io: SinkIo): Sink {
  const capture =
    flags.capture === undefined
      ? []
      : [
          new CaptureSink({
            path: flags.capture,
            usb: sink.attachUsb !== undefined,
            onError: (error) => io.err(`ferry: ${error.message}`),
          }),
        ];
  const record = flags.record === undefined ? [] : [new RecordSink(flags.record)];
  if (capture.length + record.length === 0) return sink;
  return new FanOutSink([...capture, sink, ...record]);
}
