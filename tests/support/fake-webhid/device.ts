import { EventHandlerSlot } from '../../../src/web-api/event-handler.ts';
import {
  argumentCountMessage,
  bufferSourceBytes,
  NOT_A_BUFFER_SOURCE,
  toUnsigned,
} from '../../../src/web-api/webidl.ts';
import type { ConnectionClient, ConnectionLink, DeviceInfo, DeviceService } from './backend.ts';
import { collectionsForPage } from './collections-view.ts';
import type { FakeCollectionInfo } from './config.ts';
import { inputReportEvent, registerDeviceClass } from './events.ts';
import { assertInternal, domError, operationError } from './internal.ts';

// Messages and exception names: third_party/blink/renderer/modules/hid/hid_device.cc.
const STATE_CHANGE_IN_PROGRESS = 'An operation that changes the device state is in progress.';
const DEVICE_IS_FORGOTTEN = 'The device is forgotten.';
const OPEN_REQUIRED = 'The device must be opened first.';
const UNEXPECTED_CLOSE = 'The device was closed unexpectedly.';

/** hid.cc FinishRequestDevice calls HIDDevice::ResetIsForgotten on every device the user picked. */
export const RESET_FORGOTTEN: unique symbol = Symbol('HIDDevice.resetIsForgotten');

/** The renderer's end of one connection; `link` is set once HidService::Connect answers. */
interface Connection {
  link?: ConnectionLink;
  /** The pipe was closed from the other side (device unplugged). blink keeps it bound: `opened` stays true. */
  disconnected: boolean;
}

interface PendingRequest<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  fail(error: DOMException): void;
}

/** https://wicg.github.io/webhid/#hiddevice-interface, behaving like blink's HIDDevice. */
export class HIDDevice extends EventTarget {
  readonly #info: DeviceInfo;
  readonly #service: DeviceService;
  readonly #collections: readonly FakeCollectionInfo[];
  readonly #oninputreport = new EventHandlerSlot(this, 'inputreport');
  #connection: Connection | undefined;
  #stateChangeInProgress = false;
  #forgotten = false;
  /** blink's device_requests_: rejected together when the connection pipe breaks. */
  readonly #requests = new Set<(error: DOMException) => void>();

  constructor(token: unknown, info: DeviceInfo, service: DeviceService) {
    assertInternal(token, 'HIDDevice');
    super();
    this.#info = info;
    this.#service = service;
    this.#collections = collectionsForPage(info.collections);
  }

  /** blink: `connection_.is_bound()` — true from open() until close()/forget(), even after an unplug. */
  get opened(): boolean {
    return this.#connection?.link !== undefined;
  }

  get vendorId(): number {
    return this.#info.vendorId;
  }

  get productId(): number {
    return this.#info.productId;
  }

  get productName(): string {
    return this.#info.productName;
  }

  get collections(): readonly FakeCollectionInfo[] {
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

  [RESET_FORGOTTEN](): void {
    this.#forgotten = false;
  }

  open(): Promise<void> {
    const blocked = this.#stateError();
    if (blocked) return Promise.reject(blocked);
    if (this.opened) return Promise.reject(domError('InvalidStateError', 'The device is already open.'));

    const request = this.#startRequest<void>();
    const connection: Connection = { disconnected: false };
    const client: ConnectionClient = {
      onInputReport: (reportId, data) => this.#deliverInputReport(connection, reportId, data),
      onConnectionError: () => this.#onConnectionError(connection),
    };
    this.#stateChangeInProgress = true;
    void this.#service.connect(this.#info.guid, client).then((link) => {
      this.#stateChangeInProgress = false;
      if (!link) {
        request.fail(domError('NotAllowedError', 'Failed to open the device.'));
        return;
      }
      connection.link = link;
      this.#connection = connection;
      request.resolve();
    });
    return request.promise;
  }

  /** blink resolves close() at once; replies still owed on the dropped pipe never arrive. */
  close(): Promise<void> {
    const blocked = this.#stateError();
    if (blocked) return Promise.reject(blocked);
    this.#dropConnection();
    return Promise.resolve();
  }

  forget(): Promise<void> {
    if (this.#stateChangeInProgress)
      return Promise.reject(domError('InvalidStateError', STATE_CHANGE_IN_PROGRESS));
    this.#stateChangeInProgress = true;
    return this.#service.forget(this.#info.guid).then(() => {
      this.#stateChangeInProgress = false;
      this.#forgotten = true;
      this.#dropConnection();
    });
  }

  sendReport(...args: [reportId: number, data: BufferSource]): Promise<void> {
    return this.#send(
      'sendReport',
      args,
      (link, id, bytes) => link.write(id, bytes),
      'Failed to write the report.',
    );
  }

  sendFeatureReport(...args: [reportId: number, data: BufferSource]): Promise<void> {
    return this.#send(
      'sendFeatureReport',
      args,
      (link, id, bytes) => link.sendFeatureReport(id, bytes),
      'Failed to write the feature report.',
    );
  }

  receiveFeatureReport(...args: [reportId: number]): Promise<DataView> {
    if (args.length < 1) {
      return Promise.reject(
        new TypeError(
          operationError('HIDDevice', 'receiveFeatureReport', argumentCountMessage(1, args.length)),
        ),
      );
    }
    const reportId = toUnsigned(args[0], 8);
    const connection = this.#usableConnection();
    if (connection instanceof DOMException) return Promise.reject(connection);
    const request = this.#startRequest<DataView>();
    if (connection.disconnected || !connection.link) return request.promise;
    void connection.link.getFeatureReport(reportId).then((bytes) => {
      if (this.#connection !== connection) return;
      if (bytes) request.resolve(new DataView(bytes.slice().buffer));
      else request.fail(domError('NotAllowedError', 'Failed to receive the feature report.'));
    });
    return request.promise;
  }

  #send(
    operation: string,
    args: unknown[],
    transmit: (link: ConnectionLink, reportId: number, bytes: Uint8Array) => Promise<boolean>,
    failure: string,
  ): Promise<void> {
    if (args.length < 2) {
      return Promise.reject(
        new TypeError(operationError('HIDDevice', operation, argumentCountMessage(2, args.length))),
      );
    }
    const bytes = bufferSourceBytes(args[1]);
    if (!bytes)
      return Promise.reject(new TypeError(operationError('HIDDevice', operation, NOT_A_BUFFER_SOURCE)));
    const reportId = toUnsigned(args[0], 8);
    const connection = this.#usableConnection();
    if (connection instanceof DOMException) return Promise.reject(connection);
    const request = this.#startRequest<void>();
    // Mojo silently drops calls on a pipe whose far end is gone, so after an unplug this never settles.
    if (connection.disconnected || !connection.link) return request.promise;
    void transmit(connection.link, reportId, bytes).then((ok) => {
      if (this.#connection !== connection) return;
      if (ok) request.resolve();
      else request.fail(domError('NotAllowedError', failure));
    });
    return request.promise;
  }

  #stateError(): DOMException | undefined {
    if (this.#stateChangeInProgress) return domError('InvalidStateError', STATE_CHANGE_IN_PROGRESS);
    if (this.#forgotten) return domError('InvalidStateError', DEVICE_IS_FORGOTTEN);
    return undefined;
  }

  #usableConnection(): Connection | DOMException {
    const blocked = this.#stateError();
    if (blocked) return blocked;
    if (!this.#connection) return domError('InvalidStateError', OPEN_REQUIRED);
    return this.#connection;
  }

  #startRequest<T>(): PendingRequest<T> {
    let resolvePromise!: (value: T) => void;
    let rejectPromise!: (error: DOMException) => void;
    const promise = new Promise<T>((resolve, reject) => {
      resolvePromise = resolve;
      rejectPromise = reject;
    });
    const fail = (error: DOMException) => {
      this.#requests.delete(fail);
      rejectPromise(error);
    };
    this.#requests.add(fail);
    return {
      promise,
      resolve: (value) => {
        this.#requests.delete(fail);
        resolvePromise(value);
      },
      fail,
    };
  }

  #dropConnection(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    connection?.link?.close();
  }

  #deliverInputReport(connection: Connection, reportId: number, data: Uint8Array): void {
    if (this.#connection !== connection || connection.disconnected) return;
    this.dispatchEvent(inputReportEvent(this, reportId, data));
  }

  /** blink HIDDevice::OnServiceConnectionError: every outstanding request fails; nothing else changes. */
  #onConnectionError(connection: Connection): void {
    connection.disconnected = true;
    if (this.#connection !== connection) return;
    for (const fail of [...this.#requests]) fail(domError('InvalidStateError', UNEXPECTED_CLOSE));
  }
}

registerDeviceClass(HIDDevice);
