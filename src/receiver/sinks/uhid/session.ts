/**
 * One shared device presented through one /dev/uhid file description (the kernel ties a uhid device
 * to the fd that created it). Translates kernel requests into RemoteHidDevice calls and back.
 */
import { RemoteDeviceError, type RemoteHidDevice } from '../types.ts';
import type { UhidChannel } from './channel.ts';
import { decodeUhidEvent, encodeInput2, encodeUhidEvent } from './codec.ts';
import { UhidStartTimeoutError } from './errors.ts';
import type { UhidEvent, UhidEventOf } from './events.ts';
import { UhidReportType } from './layout.ts';
import { devFlagsFromReportIds, isNumbered, joinReportId, splitReportId } from './report-framing.ts';

/** errno EIO: uhid turns any non-zero `err` into -EIO for the caller (hidraw ioctl, driver). */
export const EIO = 5;

export interface SessionOptions {
  readonly bus: number;
  readonly phys: string;
  readonly uniq: string;
  readonly version: number;
  readonly requestTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly onError: (error: Error) => void;
}

export class UhidSession {
  /** UHID_START's dev_flags; until it arrives, what the share says about report ids. */
  private devFlags: number;
  private unsubscribeInput: (() => void) | undefined;
  private closed = false;
  private readonly started: Promise<void>;
  private resolveStarted: () => void = () => undefined;

  constructor(
    private readonly channel: UhidChannel,
    private readonly device: RemoteHidDevice,
    private readonly options: SessionOptions,
  ) {
    this.devFlags = devFlagsFromReportIds(device.info.usesReportIds);
    this.started = new Promise((resolve) => {
      this.resolveStarted = resolve;
    });
    channel.onEvent((bytes) => this.handleBytes(bytes));
    channel.onError((error) => options.onError(error));
  }

  /** Sends UHID_CREATE2; resolves at UHID_START (the kernel bound a driver). */
  async create(): Promise<void> {
    const { info } = this.device;
    this.channel.write(
      encodeUhidEvent({
        type: 'create2',
        name: truncateUtf8(info.productName, 127),
        phys: this.options.phys,
        uniq: this.options.uniq,
        bus: this.options.bus,
        vendor: info.vendorId,
        product: info.productId,
        version: this.options.version,
        country: 0,
        descriptor: info.reportDescriptor,
      }),
    );
    await this.waitForStart();
  }

  /**
   * Without a bound driver there is no START: typically a vendor driver (hid-sony, hid-logitech…)
   * claims the id but is not loaded — udev loads it on a normal system — or the descriptor is refused.
   */
  private async waitForStart(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ms = this.options.startTimeoutMs;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const hint = 'is the matching HID driver loaded (modprobe by MODALIAS, see dmesg)?';
        reject(
          new UhidStartTimeoutError(
            `the kernel did not start "${this.device.info.productName}" within ${ms} ms: ${hint}`,
          ),
        );
      }, ms);
    });
    try {
      await Promise.race([this.started, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** UHID_DESTROY and close the fd; idempotent. */
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeInput?.();
    this.channel.write(encodeUhidEvent({ type: 'destroy' }));
    this.channel.close();
  }

  private handleBytes(bytes: Uint8Array): void {
    try {
      this.handleEvent(decodeUhidEvent(bytes));
    } catch (error) {
      this.options.onError(error as Error);
    }
  }

  private handleEvent(event: UhidEvent): void {
    if (event.type === 'start') this.onStart(event.devFlags);
    else if (event.type === 'output') this.onOutput(event);
    // The answer* methods never reject: every failure becomes an EIO reply.
    else if (event.type === 'get-report') void this.answerGetReport(event);
    else if (event.type === 'set-report') void this.answerSetReport(event);
    // STOP/OPEN/CLOSE need no answer (uhid.rst: a STOP we did not cause is a driver rebind).
  }

  private onStart(devFlags: number): void {
    this.devFlags = devFlags;
    if (!this.unsubscribeInput) {
      const numbered = isNumbered(devFlags, UhidReportType.INPUT);
      this.unsubscribeInput = this.device.onInput((reportId, data) => {
        if (!this.closed) this.channel.write(encodeInput2(numbered ? reportId : undefined, data));
      });
    }
    this.resolveStarted();
  }

  private onOutput(event: UhidEventOf<'output'>): void {
    const numbered = isNumbered(this.devFlags, UhidReportType.OUTPUT);
    // Copy: `event.data` views the read buffer, which is reused for the next event.
    const { reportId, data } = splitReportId(numbered, 0, event.data.slice());
    this.device
      .sendOutputReport(reportId, data)
      .catch((error: unknown) => this.options.onError(asError(error)));
  }

  private async answerGetReport(event: UhidEventOf<'get-report'>): Promise<void> {
    const { id, reportNumber, reportType } = event;
    // Only feature reports can be requested from a WebHID device (there is no GET_REPORT(Input)
    // in WebHID, and output reports cannot be read back): the others fail with EIO, honestly.
    if (reportType !== UhidReportType.FEATURE) {
      this.replyGet(id, EIO, new Uint8Array(0));
      return;
    }
    try {
      const data = await this.withTimeout(this.device.getFeatureReport(reportNumber), 'GET_REPORT');
      const numbered = isNumbered(this.devFlags, UhidReportType.FEATURE);
      this.replyGet(id, 0, joinReportId(numbered, reportNumber, data));
    } catch (error) {
      this.options.onError(asError(error));
      this.replyGet(id, EIO, new Uint8Array(0));
    }
  }

  private async answerSetReport(event: UhidEventOf<'set-report'>): Promise<void> {
    const { id, reportNumber, reportType } = event;
    const numbered = isNumbered(this.devFlags, reportType);
    const { reportId, data } = splitReportId(numbered, reportNumber, event.data.slice());
    try {
      if (reportType === UhidReportType.FEATURE) {
        await this.withTimeout(this.device.setFeatureReport(reportId, data), 'SET_REPORT');
      } else if (reportType === UhidReportType.OUTPUT) {
        await this.withTimeout(this.device.sendOutputReport(reportId, data), 'SET_REPORT(Output)');
      } else {
        throw new RemoteDeviceError('unsupported', 'SET_REPORT of an input report');
      }
      this.replySet(id, 0);
    } catch (error) {
      this.options.onError(asError(error));
      this.replySet(id, EIO);
    }
  }

  private replyGet(id: number, err: number, data: Uint8Array): void {
    if (!this.closed) this.channel.write(encodeUhidEvent({ type: 'get-report-reply', id, err, data }));
  }

  private replySet(id: number, err: number): void {
    if (!this.closed) this.channel.write(encodeUhidEvent({ type: 'set-report-reply', id, err }));
  }

  private async withTimeout<T>(request: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const ms = this.options.requestTimeoutMs;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RemoteDeviceError('timeout', `${what} got no answer in ${ms} ms`)),
        ms,
      );
    });
    try {
      return await Promise.race([request, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  // Cut on a character boundary: decode the prefix and drop a trailing partial character.
  return bytes
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}
