import type { VirtualHidDevice } from '../receiver/keep/index.ts';
import {
  ALREADY_OPEN,
  DEVICE_IS_FORGOTTEN,
  domError,
  OPEN_FAILED,
  OPEN_REQUIRED,
  RECEIVE_FEATURE_REPORT_FAILED,
  requestError,
  SEND_FEATURE_REPORT_FAILED,
  SEND_REPORT_FAILED,
  STATE_CHANGE_IN_PROGRESS,
  UNEXPECTED_CLOSE,
} from './errors.ts';
import { EventHandlerSlot } from './event-handler.ts';
import { FerryHIDInputReportEvent } from './events.ts';
import {
  argumentCountMessage,
  bufferSourceBytes,
  NOT_A_BUFFER_SOURCE,
  operationError,
  toUnsigned,
} from './webidl.ts';

/** Chrome answers every call over Mojo, in a later task; so does this, so pages see the same ordering. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const argumentError = (operation: string, message: string) =>
  new TypeError(operationError('HIDDevice', operation, message));

/**
 * A shared device as a WebHID `HIDDevice` (https://wicg.github.io/webhid/#hiddevice-interface), with
 * blink's state checks and messages (hid_device.cc). Its requests travel to the sharer's real device
 * through the keeper's VirtualHidDevice, over whichever link carries it now; its input reports arrive
 * from it. While the link is down the device stays (its input goes neutral once) and its requests wait
 * for the link within their timeout (docs/web-api.md, "When the link goes down").
 */
export class FerryHIDDevice extends EventTarget {
  readonly #remote: VirtualHidDevice;
  readonly #collections: readonly HIDCollectionInfo[];
  readonly #oninputreport = new EventHandlerSlot(this, 'inputreport');
  readonly #onForget: (device: FerryHIDDevice) => void;
  #opened = false;
  #stateChangeInProgress = false;
  #forgotten = false;
  /** blink's device_requests_: rejected together when the device goes away. */
  readonly #requests = new Set<(error: DOMException) => void>();

  constructor(remote: VirtualHidDevice, onForget: (device: FerryHIDDevice) => void) {
    super();
    this.#remote = remote;
    this.#onForget = onForget;
    // HIDCollectionInfo is a dictionary: fresh plain objects in a frozen array, as WebIDL builds them.
    this.#collections = Object.freeze(structuredClone(remote.info.collections)) as HIDCollectionInfo[];
    remote.onInput((reportId, data) => {
      if (this.#opened) this.dispatchEvent(new FerryHIDInputReportEvent(this, reportId, data));
    });
    remote.onClose(() => this.#gone());
  }

  /** As in Chrome, true from open() until close() or forget(), even after the device went away. */
  get opened(): boolean {
    return this.#opened;
  }

  get vendorId(): number {
    return this.#remote.info.vendorId;
  }

  get productId(): number {
    return this.#remote.info.productId;
  }

  get productName(): string {
    return this.#remote.info.productName;
  }

  get collections(): readonly HIDCollectionInfo[] {
    return this.#collections;
  }

  get oninputreport(): ((event: Event) => unknown) | null {
    return this.#oninputreport.get();
  }

  set oninputreport(value: unknown) {
    this.#oninputreport.set(value);
  }

  get [Symbol.toStringTag](): string {
    return 'HIDDevice';
  }

  /**
   * False once the sharer stopped sharing it (unplugged, or the share ended), or no link brought it back
   * within the grace; true while a lost link is being re-made.
   */
  get connected(): boolean {
    return !this.#remote.removed;
  }

  /** requestDevice picked it again: hid.cc FinishRequestDevice resets the forgotten flag. */
  regrant(): void {
    this.#forgotten = false;
  }

  async open(): Promise<void> {
    const blocked = this.#stateError();
    if (blocked) throw blocked;
    if (this.#opened) throw domError('InvalidStateError', ALREADY_OPEN);
    // The sharer holds the device open for Ferry; opening here means: start delivering its reports.
    this.#stateChangeInProgress = true;
    await nextTask();
    this.#stateChangeInProgress = false;
    if (this.#remote.removed) throw domError('NotAllowedError', OPEN_FAILED);
    this.#opened = true;
  }

  async close(): Promise<void> {
    const blocked = this.#stateError();
    if (blocked) throw blocked;
    this.#opened = false;
  }

  async forget(): Promise<void> {
    if (this.#stateChangeInProgress) throw domError('InvalidStateError', STATE_CHANGE_IN_PROGRESS);
    this.#stateChangeInProgress = true;
    await nextTask();
    this.#stateChangeInProgress = false;
    this.#forgotten = true;
    this.#opened = false;
    this.#onForget(this);
  }

  sendReport(...args: [reportId: number, data: BufferSource]): Promise<void> {
    return this.#send('sendReport', args, SEND_REPORT_FAILED, (id, bytes) =>
      this.#remote.sendOutputReport(id, bytes),
    );
  }

  sendFeatureReport(...args: [reportId: number, data: BufferSource]): Promise<void> {
    return this.#send('sendFeatureReport', args, SEND_FEATURE_REPORT_FAILED, (id, bytes) =>
      this.#remote.setFeatureReport(id, bytes),
    );
  }

  receiveFeatureReport(...args: [reportId: number]): Promise<DataView> {
    if (args.length < 1) {
      return Promise.reject(argumentError('receiveFeatureReport', argumentCountMessage(1, args.length)));
    }
    const reportId = toUnsigned(args[0], 8);
    return this.#request(RECEIVE_FEATURE_REPORT_FAILED, async () => {
      const data = await this.#remote.getFeatureReport(reportId);
      return new DataView(withReportId(reportId, data).buffer);
    });
  }

  #send(
    operation: string,
    args: unknown[],
    failure: string,
    transmit: (reportId: number, bytes: Uint8Array) => Promise<void>,
  ): Promise<void> {
    if (args.length < 2)
      return Promise.reject(argumentError(operation, argumentCountMessage(2, args.length)));
    const bytes = bufferSourceBytes(args[1]);
    if (!bytes) return Promise.reject(argumentError(operation, NOT_A_BUFFER_SOURCE));
    const reportId = toUnsigned(args[0], 8);
    return this.#request(failure, () => transmit(reportId, bytes));
  }

  /** blink's checks in its order, then the request, tracked so that the device going away rejects it. */
  #request<T>(failure: string, perform: () => Promise<T>): Promise<T> {
    const blocked =
      this.#stateError() ?? (this.#opened ? undefined : domError('InvalidStateError', OPEN_REQUIRED));
    if (blocked) return Promise.reject(blocked);
    // Chrome leaves a request on a vanished device pending forever (Mojo drops it); Ferry says so instead.
    if (this.#remote.removed) return Promise.reject(domError('InvalidStateError', UNEXPECTED_CLOSE));
    return new Promise<T>((resolve, reject) => {
      const fail = (error: DOMException) => {
        this.#requests.delete(fail);
        reject(error);
      };
      this.#requests.add(fail);
      perform().then(
        (value) => {
          this.#requests.delete(fail);
          resolve(value);
        },
        (error: unknown) => fail(requestError(error, failure)),
      );
    });
  }

  #stateError(): DOMException | undefined {
    if (this.#stateChangeInProgress) return domError('InvalidStateError', STATE_CHANGE_IN_PROGRESS);
    if (this.#forgotten) return domError('InvalidStateError', DEVICE_IS_FORGOTTEN);
    return undefined;
  }

  /** blink HIDDevice::OnServiceConnectionError: every outstanding request fails; `opened` stays. */
  #gone(): void {
    for (const fail of [...this.#requests]) fail(domError('InvalidStateError', UNEXPECTED_CLOSE));
  }
}

/**
 * Ferry's wire carries a feature report without its ID (docs/hid.md). Chrome on Linux hands a numbered
 * report back with the ID as its first byte (hid_connection_linux.cc returns the buffer HIDIOCGFEATURE
 * filled), and report 0 without it; pages written against Chrome expect exactly that, so it is put back.
 */
function withReportId(reportId: number, data: Uint8Array): Uint8Array {
  if (reportId === 0) return data.slice();
  const bytes = new Uint8Array(data.length + 1);
  bytes[0] = reportId;
  bytes.set(data, 1);
  return bytes;
}
