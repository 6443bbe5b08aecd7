/**
 * WebHID's events (https://wicg.github.io/webhid/#hidconnectionevent-interface and
 * #hidinputreportevent-interface). Chrome dispatches both with bubbles and cancelable false. These are
 * created by script, so `isTrusted` is false, and they are not instances of Chrome's own classes.
 */

/** `connect` / `disconnect` on the hid object. */
export class FerryHIDConnectionEvent extends Event {
  readonly #device: EventTarget;

  constructor(type: string, init: { device: EventTarget }) {
    super(type);
    this.#device = init.device;
  }

  get device(): EventTarget {
    return this.#device;
  }

  get [Symbol.toStringTag](): string {
    return 'HIDConnectionEvent';
  }
}

/** `inputreport` on a device: `data` holds the report WITHOUT its ID byte, as in Chrome. */
export class FerryHIDInputReportEvent extends Event {
  readonly #device: EventTarget;
  readonly #reportId: number;
  readonly #data: DataView;

  /** `bytes` is borrowed (Ferry reuses its receive buffers): it is copied, since a page may keep `data`. */
  constructor(device: EventTarget, reportId: number, bytes: Uint8Array) {
    super('inputreport');
    this.#device = device;
    this.#reportId = reportId;
    this.#data = new DataView(bytes.slice().buffer);
  }

  get device(): EventTarget {
    return this.#device;
  }

  get reportId(): number {
    return this.#reportId;
  }

  get data(): DataView {
    return this.#data;
  }

  get [Symbol.toStringTag](): string {
    return 'HIDInputReportEvent';
  }
}

/** `connect` / `disconnect` on the usb object. */
export class FerryUSBConnectionEvent extends Event {
  readonly #device: EventTarget | object;

  constructor(type: string, init: { device: object }) {
    super(type);
    this.#device = init.device;
  }

  get device(): object {
    return this.#device;
  }

  get [Symbol.toStringTag](): string {
    return 'USBConnectionEvent';
  }
}
