import type { RemoteHidDevice, RemoteUsbDevice, Sink } from './types.ts';
import { usbDescriptionJson, usbDescriptionLines, usbSummary } from './usb-log.ts';

export interface LogSinkOptions {
  json: boolean;
  write: (line: string) => void;
}

function hex(bytes: Uint8Array, separator = ' '): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) out += separator;
    out += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  }
  return out;
}

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

/** `E: <seconds>.<micros> <len> <bytes>` as hid-recorder writes it, seconds since the first report. */
export function recorderEventLine(elapsedMs: number, report: Uint8Array): string {
  const micros = Math.max(0, Math.round(elapsedMs * 1000));
  const seconds = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000).padStart(6, '0');
  return `E: ${String(seconds).padStart(6, '0')}.${fraction} ${report.length} ${hex(report)}`;
}

/** The device header of a hid-recorder file: name, ids and the (rebuilt) report descriptor. */
export function recorderHeader(device: RemoteHidDevice): string[] {
  const { info } = device;
  return [
    `# Ferry: ${info.productName} (${hex4(info.vendorId)}:${hex4(info.productId)}), report descriptor ${info.descriptorFromDevice ? "the device's own" : 'rebuilt from WebHID collections'}`,
    `R: ${info.reportDescriptor.length} ${hex(info.reportDescriptor)}`,
    `N: ${info.productName}`,
    `I: 3 ${hex4(info.vendorId)} ${hex4(info.productId)}`,
  ];
}

/**
 * Writes each input report as an `E:` line, timed from the first one; returns the unsubscribe.
 * hid-recorder writes the raw hidraw report: the id byte leads when the device numbers reports.
 */
export function recordInputs(device: RemoteHidDevice, write: (line: string) => void): () => void {
  let firstAt: number | undefined;
  const withId = new Uint8Array(16 * 1024 + 1);
  return device.onInput((reportId, data, timestampMs) => {
    firstAt ??= timestampMs;
    let report = data;
    if (device.info.usesReportIds) {
      withId[0] = reportId;
      withId.set(data, 1);
      report = withId.subarray(0, data.length + 1);
    }
    write(recorderEventLine(timestampMs - firstAt, report));
  });
}

/**
 * Prints every shared device and its input reports: hid-recorder's format by default, so the output
 * replays with hid-tools (`hid-replay`), or one JSON object per line with `--json`.
 */
export class LogSink implements Sink {
  readonly name = 'log';
  private readonly stops: Array<() => void> = [];

  constructor(private readonly options: LogSinkOptions) {}

  async attach(device: RemoteHidDevice): Promise<void> {
    const { write, json } = this.options;
    const { info } = device;
    if (json) {
      write(
        JSON.stringify({
          type: 'device',
          vendorId: info.vendorId,
          productId: info.productId,
          productName: info.productName,
          usesReportIds: info.usesReportIds,
          reportDescriptor: hex(info.reportDescriptor, ''),
          collections: info.collections,
        }),
      );
      this.stops.push(
        device.onInput((reportId, data, timestampMs) =>
          write(JSON.stringify({ type: 'input', t: timestampMs, reportId, data: hex(data, '') })),
        ),
      );
      return;
    }
    for (const line of recorderHeader(device)) write(line);
    this.stops.push(recordInputs(device, write));
  }

  /** A generic USB device: its description now, a summary of its transfers when it goes. */
  async attachUsb(device: RemoteUsbDevice): Promise<void> {
    const { write, json } = this.options;
    if (json) write(usbDescriptionJson(device));
    else for (const line of usbDescriptionLines(device)) write(line);
    this.stops.push(device.onClose(() => write(usbSummary(device, json))));
  }

  async close(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
  }
}
