import type { ReceiverSession, RemoteDevice } from '../transport/index.ts';
import { FerryHIDDevice } from './device.ts';
import { EventHandlerSlot } from './event-handler.ts';
import { FerryHIDConnectionEvent } from './events.ts';
import { chooserLists, requestOptions } from './filters.ts';

/** HIDDeviceRequestOptions as the spec has it now (w3c-web-hid's types predate `exclusionFilters`). */
export interface HIDRequestOptions {
  filters: HIDDeviceFilter[];
  exclusionFilters?: HIDDeviceFilter[];
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * What a page may recognise a device by when it comes back (the sharer reloaded, or re-plugged it): the
 * ids, the name and the collections. Chrome keys its persistent permissions on similar attributes.
 */
function identityOf(remote: RemoteDevice): string {
  const { vendorId, productId, productName, collections } = remote.announcement;
  return JSON.stringify([vendorId, productId, productName, collections]);
}

/**
 * `navigator.hid` for the devices of one Ferry share (https://wicg.github.io/webhid/#hid-interface).
 * There is no chooser: the sharer chose the devices and approved this page, so requestDevice() grants
 * every shared device its filters match. Permissions last as long as this object (a page load).
 */
export class FerryHID extends EventTarget {
  readonly #session: ReceiverSession;
  readonly #devices = new Map<RemoteDevice, FerryHIDDevice>();
  /** Kept after a device goes, so that forgetting it then still forgets its identity. */
  readonly #identities = new WeakMap<FerryHIDDevice, string>();
  readonly #granted = new Set<FerryHIDDevice>();
  /** Identities of devices this page was granted and did not forget: one that comes back is granted again. */
  readonly #grantedIdentities = new Set<string>();
  readonly #onconnect = new EventHandlerSlot(this, 'connect');
  readonly #ondisconnect = new EventHandlerSlot(this, 'disconnect');

  constructor(session: ReceiverSession) {
    super();
    this.#session = session;
    session.on('device', (remote) => this.#arrived(remote));
    session.on('device-gone', (remote) => this.#left(remote));
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

  /** The shared devices this page was granted (by requestDevice), that are still shared. */
  async getDevices(): Promise<FerryHIDDevice[]> {
    await nextTask();
    return [...this.#granted];
  }

  /**
   * Chrome's argument checks (TypeError), then, in place of the chooser, every shared device the filters
   * list; none is `[]`, as a cancelled chooser. Needs no user gesture: nothing is shown to the user.
   */
  async requestDevice(...args: [options: HIDRequestOptions]): Promise<FerryHIDDevice[]> {
    const options = requestOptions(args);
    if (options instanceof TypeError) throw options;
    await nextTask();
    const picked = [...this.#devices.values()].filter((device) => chooserLists(options, device));
    for (const device of picked) this.#grant(device);
    return picked;
  }

  /** Ferry's own: leaves the share. Every device goes (`disconnect` for the granted ones). */
  close(): void {
    this.#session.close('the page closed its Ferry connection');
  }

  /** The session underneath, for pages that want Ferry's status (verification words, path, rates). */
  get session(): ReceiverSession {
    return this.#session;
  }

  #grant(device: FerryHIDDevice): void {
    device.regrant();
    this.#granted.add(device);
    const identity = this.#identities.get(device);
    if (identity !== undefined) this.#grantedIdentities.add(identity);
  }

  #arrived(remote: RemoteDevice): void {
    const device = new FerryHIDDevice(remote, (forgotten) => this.#forget(forgotten));
    const identity = identityOf(remote);
    this.#devices.set(remote, device);
    this.#identities.set(device, identity);
    if (!this.#grantedIdentities.has(identity)) return;
    this.#granted.add(device);
    this.dispatchEvent(new FerryHIDConnectionEvent('connect', { device }));
  }

  #left(remote: RemoteDevice): void {
    const device = this.#devices.get(remote);
    if (!device) return;
    this.#devices.delete(remote);
    if (!this.#granted.delete(device)) return;
    this.dispatchEvent(new FerryHIDConnectionEvent('disconnect', { device }));
  }

  #forget(device: FerryHIDDevice): void {
    this.#granted.delete(device);
    const identity = this.#identities.get(device);
    if (identity !== undefined) this.#grantedIdentities.delete(identity);
  }
}
