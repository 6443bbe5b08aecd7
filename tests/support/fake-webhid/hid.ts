import { EventHandlerSlot } from '../../../src/web-api/event-handler.ts';
import { argumentCountMessage, toUnsigned } from '../../../src/web-api/webidl.ts';
import type { DeviceInfo } from './backend.ts';
import { HIDDevice, RESET_FORGOTTEN } from './device.ts';
import { HIDConnectionEvent } from './events.ts';
import { type DeviceFilter, filterError } from './filters.ts';
import { assertInternal, domError, INTERNAL, operationError } from './internal.ts';
import type { FakeHidService } from './service.ts';

const fail = (message: string) => new TypeError(operationError('HID', 'requestDevice', message));

/** WebIDL dictionary conversion of HIDDeviceFilter; a TypeError message on failure. */
function toFilters(value: unknown, member: string): DeviceFilter[] | string {
  if (value === null || typeof value !== 'object' || !(Symbol.iterator in value)) {
    return `Failed to read the '${member}' property from 'HIDDeviceRequestOptions': The provided value cannot be converted to a sequence.`;
  }
  const filters: DeviceFilter[] = [];
  for (const entry of value as Iterable<unknown>) {
    const source = (entry ?? {}) as Record<string, unknown>;
    const filter: DeviceFilter = {};
    if (source.vendorId !== undefined) filter.vendorId = toUnsigned(source.vendorId, 32);
    if (source.productId !== undefined) filter.productId = toUnsigned(source.productId, 16);
    if (source.usagePage !== undefined) filter.usagePage = toUnsigned(source.usagePage, 16);
    if (source.usage !== undefined) filter.usage = toUnsigned(source.usage, 16);
    filters.push(filter);
  }
  return filters;
}

/**
 * `navigator.hid` (https://wicg.github.io/webhid/#hid-interface) with blink's behaviour
 * (third_party/blink/renderer/modules/hid/hid.cc): one HIDDevice object per device GUID, connect and
 * disconnect events for permitted devices, and requestDevice's checks in Chrome's order.
 */
export class HID extends EventTarget {
  readonly #service: FakeHidService;
  readonly #devices = new Map<string, HIDDevice>();
  readonly #onconnect = new EventHandlerSlot(this, 'connect');
  readonly #ondisconnect = new EventHandlerSlot(this, 'disconnect');

  constructor(token: unknown, service: FakeHidService) {
    assertInternal(token, 'HID');
    super();
    this.#service = service;
    service.registerClient({
      deviceAdded: (info) =>
        this.dispatchEvent(new HIDConnectionEvent('connect', { device: this.#device(info) })),
      deviceRemoved: (info) =>
        this.dispatchEvent(new HIDConnectionEvent('disconnect', { device: this.#device(info) })),
    });
  }

  get onconnect(): ((event: Event) => unknown) | null {
    return this.#onconnect.get();
  }

  set onconnect(value: unknown) {
    this.#onconnect.set(value);
  }

  get ondisconnect(): ((event: Event) => unknown) | null {
    return this.#ondisconnect.get();
  }

  set ondisconnect(value: unknown) {
    this.#ondisconnect.set(value);
  }

  get [Symbol.toStringTag](): string {
    return 'HID';
  }

  getDevices(): Promise<HIDDevice[]> {
    return this.#service.getDevices().then((infos) => infos.map((info) => this.#device(info)));
  }

  requestDevice(...args: [options: { filters: unknown; exclusionFilters?: unknown }]): Promise<HIDDevice[]> {
    // 1. WebIDL conversion of HIDDeviceRequestOptions (`filters` is a required member).
    if (args.length < 1) return Promise.reject(fail(argumentCountMessage(1, 0)));
    const options = args[0];
    if (options !== undefined && options !== null && typeof options !== 'object') {
      return Promise.reject(fail("The provided value is not of type 'HIDDeviceRequestOptions'."));
    }
    if (options?.filters === undefined) {
      return Promise.reject(
        fail(
          "Failed to read the 'filters' property from 'HIDDeviceRequestOptions': Required member is undefined.",
        ),
      );
    }
    const filters = toFilters(options.filters, 'filters');
    if (typeof filters === 'string') return Promise.reject(fail(filters));
    const exclusionFilters =
      options.exclusionFilters === undefined
        ? undefined
        : toFilters(options.exclusionFilters, 'exclusionFilters');
    if (typeof exclusionFilters === 'string') return Promise.reject(fail(exclusionFilters));

    // 2. hid.cc: transient user activation. (Chrome's browser process then consumes it; page script
    // cannot, so a second call within the same activation is not refused here.)
    if (!navigator.userActivation.isActive) {
      const message = 'Must be handling a user gesture to show a permission request.';
      return Promise.reject(domError('SecurityError', operationError('HID', 'requestDevice', message)));
    }

    // 3. hid.cc CheckDeviceFilterValidity: a bare TypeError, then the empty exclusionFilters check.
    for (const filter of [...filters, ...(exclusionFilters ?? [])]) {
      const error = filterError(filter);
      if (error) return Promise.reject(new TypeError(error));
    }
    if (exclusionFilters?.length === 0) {
      return Promise.reject(fail("'exclusionFilters', if present, must contain at least one filter."));
    }

    return this.#service.requestDevice(filters, exclusionFilters ?? []).then((infos) =>
      infos.map((info) => {
        const device = this.#device(info);
        device[RESET_FORGOTTEN]();
        return device;
      }),
    );
  }

  /** hid.cc GetOrCreateDevice: the device cache is keyed by GUID. */
  #device(info: DeviceInfo): HIDDevice {
    let device = this.#devices.get(info.guid);
    if (!device) {
      device = new HIDDevice(INTERNAL, info, this.#service);
      this.#devices.set(info.guid, device);
    }
    return device;
  }
}
