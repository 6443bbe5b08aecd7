import { closeSync, openSync, writeSync } from 'node:fs';
import type { RemoteHidDevice, RemoteUsbDevice, Sink } from '../types.ts';
import { captureHidDevice } from './hid-capture.ts';
import { UrbRecorder } from './urb-recorder.ts';
import { captureUsbDevice } from './usb-capture.ts';
import { UsbmonPcapngWriter } from './usbmon-writer.ts';

export interface CaptureSinkOptions {
  readonly path: string;
  /**
   * Whether to take generic USB devices: only when another sink presents them (the log, usbip,
   * usbredir), since a receiver that takes one holds it, and a capture alone cannot use it.
   */
  readonly usb: boolean;
  /** Told once if a write fails (the disk filled up); the capture then stops, the share goes on. */
  readonly onError?: (error: Error) => void;
  /** Microseconds since the epoch, for events without a timestamp of their own (tests may fix it). */
  readonly now?: () => number;
}

const wallClockMicros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

/**
 * `ferry receive --capture FILE`: the session's USB-level traffic as a pcapng file with Linux usbmon
 * records (link type 220), for Wireshark or tshark. It presents nothing itself: it watches the devices
 * the other sinks present and what they ask of them. Writes are synchronous, so the file is whole (up
 * to the last record) whenever the process ends.
 */
export class CaptureSink implements Sink {
  readonly name = 'capture';
  readonly attachUsb?: (device: RemoteUsbDevice) => Promise<void>;
  private fd: number | undefined;
  private recorder: UrbRecorder | undefined;
  private readonly stops: Array<() => void> = [];

  constructor(private readonly options: CaptureSinkOptions) {
    if (options.usb)
      this.attachUsb = async (device) => this.watch(device, captureUsbDevice(this.open(), device));
  }

  /** Creates (truncates) the file and writes its header now, so that a bad path fails before pairing. */
  async prepare(): Promise<void> {
    this.open();
  }

  async attach(device: RemoteHidDevice): Promise<void> {
    const recorder = this.open();
    this.watch(device, captureHidDevice(recorder, device, `capture-${this.stops.length + 1}`));
  }

  async close(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.recorder = undefined;
  }

  private watch(device: RemoteHidDevice | RemoteUsbDevice, stop: () => void): void {
    const unsubscribe = device.onClose(stop);
    this.stops.push(() => {
      unsubscribe();
      stop();
    });
  }

  private open(): UrbRecorder {
    if (this.recorder !== undefined) return this.recorder;
    const fd = openFile(this.options.path);
    this.fd = fd;
    let failed = false;
    const writer = new UsbmonPcapngWriter((bytes, length) => {
      if (failed) return;
      try {
        writeSync(fd, bytes, 0, length);
      } catch (error) {
        failed = true;
        this.options.onError?.(
          new Error(`capture to ${this.options.path} stopped: ${(error as Error).message}`),
        );
      }
    });
    writer.start({
      application: 'Ferry (ferry receive --capture)',
      interfaceName: 'ferry',
      interfaceDescription: 'devices shared to this ferry receive, as a USB host sees them',
    });
    this.recorder = new UrbRecorder(writer, this.options.now ?? wallClockMicros);
    return this.recorder;
  }
}

function openFile(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (error) {
    throw new Error(`cannot write the capture to ${path}: ${(error as Error).message}`, { cause: error });
  }
}
