import { closeSync, openSync, writeSync } from 'node:fs';
import { recorderHeader, recordInputs } from './log-sink.ts';
import type { RemoteHidDevice, Sink } from './types.ts';

/**
 * `ferry receive --record FILE`: the log sink's hid-recorder lines, written to a file (for
 * `hid-replay` or `ferry share --replay`) while stdout keeps its own log. Writes are synchronous so
 * the file is whole when the process exits right after the share ends.
 */
export class RecordSink implements Sink {
  readonly name = 'record';
  private fd: number | undefined;
  private readonly stops: Array<() => void> = [];

  constructor(private readonly path: string) {}

  /** Opens (truncates) the file now, so that an unwritable path fails before pairing. */
  async prepare(): Promise<void> {
    this.fd ??= openFile(this.path);
  }

  async attach(device: RemoteHidDevice): Promise<void> {
    this.fd ??= openFile(this.path);
    const fd = this.fd;
    const write = (line: string) => writeSync(fd, `${line}\n`);
    for (const line of recorderHeader(device)) write(line);
    this.stops.push(recordInputs(device, write));
  }

  async close(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function openFile(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (error) {
    throw new Error(`cannot write the recording to ${path}: ${(error as Error).message}`, { cause: error });
  }
}
