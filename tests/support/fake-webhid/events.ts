import { assertInternal, INTERNAL } from './internal.ts';

/**
 * Device events. Chrome dispatches both with bubbles/cancelable false
 * (blink hid_connection_event.cc, hid_input_report_event.cc). Being script-created, the fake's events
 * have `isTrusted === false`, the one difference a page could observe.
 */

/** The fake HIDDevice class, registered by device.ts (a type-only view avoids an import cycle). */
let deviceClass: (abstract new (...args: never[]) => object) | undefined;
export function registerDeviceClass(value: abstract new (...args: never[]) => object): void {
  deviceClass = value;
}

/** https://wicg.github.io/webhid/#hidconnectionevent-interface — constructible, `device` is required. */
export class HIDConnectionEvent extends Event {
  readonly #device: object;

  constructor(...args: [type: string, init: { device?: unknown }]) {
    const [type, init] = args;
    const fail = (message: string) => new TypeError(`Failed to construct 'HIDConnectionEvent': ${message}`);
    if (args.length < 2) throw fail(`2 arguments required, but only ${args.length} present.`);
    if (init?.device === undefined) {
      throw fail(
        "Failed to read the 'device' property from 'HIDConnectionEventInit': Required member is undefined.",
      );
    }
    if (!deviceClass || !(init.device instanceof deviceClass)) {
      throw fail(
        "Failed to read the 'device' property from 'HIDConnectionEventInit': Failed to convert value to 'HIDDevice'.",
      );
    }
    super(type);
    this.#device = init.device;
  }

  get device(): object {
    return this.#device;
  }

  get [Symbol.toStringTag](): string {
    return 'HIDConnectionEvent';
  }
}

/**
 * https://wicg.github.io/webhid/#hidinputreportevent-interface. `data` holds the report WITHOUT its ID
 * byte: services/device/hid/hid_connection_impl.cc OnInputReport splits buffer[0] off as `report_id`.
 */
export class HIDInputReportEvent extends Event {
  readonly #device: object;
  readonly #reportId: number;
  readonly #data: DataView;

  constructor(token: unknown, device: object, reportId: number, data: Uint8Array) {
    assertInternal(token, 'HIDInputReportEvent');
    super('inputreport');
    this.#device = device;
    this.#reportId = reportId;
    this.#data = new DataView(data.slice().buffer);
  }

  get device(): object {
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

export function inputReportEvent(device: object, reportId: number, data: Uint8Array): HIDInputReportEvent {
  return new HIDInputReportEvent(INTERNAL, device, reportId, data);
}
