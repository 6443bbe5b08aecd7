import {
  type DeviceAnnouncement,
  encodeFeatureGet,
  encodeFeatureSet,
  encodeOutputReport,
  type GoneReason,
  ReplyStatus,
} from '../protocol/index.ts';

export type InputListener = (reportId: number, data: Uint8Array, timestampMs: number) => void;

/** `not-allowed`: the sharer's grant to this receiver does not cover the request (docs/security.md). */
export type RemoteErrorCode = 'timeout' | 'closed' | 'device-error' | 'unsupported' | 'not-allowed';

/** Why a request to the real device failed. */
export class RemoteDeviceError extends Error {
  override readonly name = 'RemoteDeviceError';
  constructor(
    readonly code: RemoteErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve(data: Uint8Array): void;
  reject(error: RemoteDeviceError): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Requests in flight per device are bounded: a stuck device must not grow memory without limit. */
const MAX_IN_FLIGHT = 64;

/**
 * The receiver's handle on one shared device: its announcement, its input reports, and requests to the
 * real device that resolve when the sharer replies (or fail with a timeout — never hang).
 */
export class RemoteDevice {
  private readonly inputListeners = new Set<InputListener>();
  private readonly closeListeners = new Set<() => void>();
  private readonly pending = new Map<number, Pending>();
  private nextRequest = 1;
  closed = false;
  /** Why it went, once closed: `swapped` when the sharer said a replacement follows. */
  goneReason: GoneReason | undefined;
  lastInputAt = 0;

  constructor(
    readonly index: number,
    readonly announcement: DeviceAnnouncement,
    private readonly send: (frame: Uint8Array) => void,
    private readonly timeoutMs = 2000,
  ) {}

  /** `data` is borrowed (the pipeline reuses its buffers): copy it to keep it past the call. */
  onInput(listener: InputListener): () => void {
    this.inputListeners.add(listener);
    return () => this.inputListeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  async sendOutputReport(reportId: number, data: Uint8Array): Promise<void> {
    await this.request((id) => encodeOutputReport(this.index, reportId, id, data));
  }

  getFeatureReport(reportId: number): Promise<Uint8Array> {
    return this.request((id) => encodeFeatureGet(this.index, reportId, id));
  }

  async setFeatureReport(reportId: number, data: Uint8Array): Promise<void> {
    await this.request((id) => encodeFeatureSet(this.index, reportId, id, data));
  }

  /** Called by the session for each input frame of this device. */
  deliverInput(reportId: number, data: Uint8Array, timestampMs: number): void {
    this.lastInputAt = timestampMs;
    for (const listener of this.inputListeners) listener(reportId, data, timestampMs);
  }

  /** Called by the session for each reply frame of this device. */
  deliverReply(requestId: number, status: ReplyStatus, data: Uint8Array): void {
    const pending = this.pending.get(requestId);
    if (!pending) return; // late reply after a timeout: already answered
    this.pending.delete(requestId);
    clearTimeout(pending.timer);
    if (status === ReplyStatus.Ok) pending.resolve(data.slice());
    else pending.reject(replyError(status));
  }

  /** `swapped`: the sharer replaced it (DEVICE_GONE's reason), read by close listeners. */
  close(reason: GoneReason = 'removed'): void {
    if (this.closed) return;
    this.closed = true;
    this.goneReason = reason;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new RemoteDeviceError('closed', 'the share ended'));
      this.pending.delete(id);
    }
    for (const listener of this.closeListeners) listener();
    this.inputListeners.clear();
  }

  private request(frame: (requestId: number) => Uint8Array): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new RemoteDeviceError('closed', 'the share ended'));
    if (this.pending.size >= MAX_IN_FLIGHT) {
      return Promise.reject(
        new RemoteDeviceError('device-error', `more than ${MAX_IN_FLIGHT} requests in flight`),
      );
    }
    const requestId = this.nextRequest;
    this.nextRequest = (this.nextRequest % 0xffffffff) + 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new RemoteDeviceError('timeout', `no answer from the device within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      this.send(frame(requestId));
    });
  }
}

function replyError(status: ReplyStatus): RemoteDeviceError {
  if (status === ReplyStatus.NotAllowed)
    return new RemoteDeviceError('not-allowed', "the sharer's grant to this receiver does not allow it");
  return new RemoteDeviceError(replyErrorCode(status), `the device answered ${statusName(status)}`);
}

function replyErrorCode(status: ReplyStatus): RemoteErrorCode {
  if (status === ReplyStatus.Timeout) return 'timeout';
  if (status === ReplyStatus.Unsupported) return 'unsupported';
  if (status === ReplyStatus.NoSuchDevice) return 'closed';
  return 'device-error';
}

function statusName(status: ReplyStatus): string {
  const names = Object.entries(ReplyStatus).find(([, value]) => value === status);
  return names ? names[0] : `status ${status}`;
}
