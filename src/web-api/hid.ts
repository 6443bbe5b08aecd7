import type { DeviceKeeper, VirtualHidDevice } from '../receiver/keep/index.ts';
import type { ReceiverSession, RemoteDevice } from '../transport/index.ts';
import { FerryHIDDevice } from './device.ts';
import { EventHandlerSlot } from './event-handler.ts';
import { FerryHIDConnectionEvent } from './events.ts';
import { chooserLists, requestOptions } from './filters.ts';
import { type KeepOptions, sessionKeeper } from './keeper.ts';

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
function identityOf(kept: VirtualHidDevice): string {
  const { vendorId, productId, productName, collections } = kept.info;
  return JSON.stringify([vendorId, productId, productName, collections]);
}

/**
 * `navigator.hid` for the devices of one Ferry share (https://wicg.github.io/webhid/#hid-interface).
 * There is no chooser: the sharer chose the devices and approved this page, so requestDevice() grants
 * every shared device its filters match. Permissions last as long as this object (a page load).
 * Its devices outlive a lost link for the grace (keeper.ts): a device the sharer brings back carries on
 * as the same FerryHIDDevice, with no `disconnect` in between.
 */
export class FerryHID extends EventTarget {
  readonly #session: ReceiverSession;
  readonly #keeper: DeviceKeeper;
  readonly #devices = new Set<FerryHIDDevice>();
  /** Kept after a device goes, so that forgetting it then still forgets its identity. */
  readonly #identities = new WeakMap<FerryHIDDevice, string>();
  readonly #granted = new Set<FerryHIDDevice>();
  /** Identities of devices this page was granted and did not forget: one that comes back is granted again. */
  readonly #grantedIdentities = new Set<string>();
  readonly #onconnect = new EventHandlerSlot(this, 'connect');
  readonly #ondisconnect = new EventHandlerSlot(this, 'disconnect');

  constructor(session: ReceiverSession, options: KeepOptions = {}) {
    super();
    this.#session = session;
    this.#keeper = sessionKeeper(session, options);
    session.on('device', (remote) => this.#announced(remote));
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
    const picked = [...this.#devices].filter((device) => chooserLists(options, device));
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

  /** A device a link announced: a kept one resumed (it carries on, nothing to tell), or a new one. */
  #announced(remote: RemoteDevice): void {
    const { device: kept, resumed } = this.#keeper.take(remote);
    if (!resumed) this.#arrived(kept);
  }

  #arrived(kept: VirtualHidDevice): void {
    const device = new FerryHIDDevice(kept, (forgotten) => this.#forget(forgotten));
    const identity = identityOf(kept);
    this.#devices.add(device);
    this.#identities.set(device, identity);
    kept.onClose(() => this.#left(device));
    if (!this.#grantedIdentities.has(identity)) return;
    this.#granted.add(device);
    this.dispatchEvent(new FerryHIDConnectionEvent('connect', { device }));
  }

  #left(device: FerryHIDDevice): void {
    this.#devices.delete(device);
    if (!this.#granted.delete(device)) return;
    this.dispatchEvent(new FerryHIDConnectionEvent('disconnect', { device }));
  }

  #forget(device: FerryHIDDevice): void {
    this.#granted.delete(device);
    const identity = this.#identities.get(device);
    if (identity !== undefined) this.#grantedIdentities.delete(identity);
  }
}
