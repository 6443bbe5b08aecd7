import type { DeviceKeeper, VirtualUsbDevice } from '../receiver/keep/index.ts';
import type { ReceiverSession, RemoteUsbDevice } from '../transport/index.ts';
import { domError } from './errors.ts';
import { EventHandlerSlot } from './event-handler.ts';
import { FerryUSBConnectionEvent } from './events.ts';
import { type KeepOptions, sessionKeeper } from './keeper.ts';
import { FerryUSBDevice } from './usb-device.ts';
import { usbChooserLists, usbRequestOptions } from './usb-filters.ts';

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** What a page recognises a USB device by when it is shared again: every descriptor the sharer read. */
function identityOf(kept: VirtualUsbDevice): string {
  return JSON.stringify(kept.descriptors.entries.map((entry) => [entry.type, entry.index, [...entry.bytes]]));
}

/**
 * `navigator.usb` for the generic USB devices of one Ferry share (https://wicg.github.io/webusb/#usb).
 * As with FerryHID there is no chooser: requestDevice() grants the first shared device its filters list,
 * and a granted device that is shared again (the same descriptors) is granted again and fires `connect`.
 * A device whose link is lost is kept for the grace (keeper.ts): the sharer bringing it back continues
 * the same FerryUSBDevice, with no `disconnect` in between.
 */
export class FerryUSB extends EventTarget {
  readonly #session: ReceiverSession;
  readonly #keeper: DeviceKeeper;
  readonly #devices = new Set<FerryUSBDevice>();
  readonly #granted = new Set<FerryUSBDevice>();
  readonly #identities = new WeakMap<FerryUSBDevice, string>();
  /** Devices this page was granted and did not forget: one shared again is granted again (`connect`). */
  readonly #grantedIdentities = new Set<string>();
  readonly #onconnect = new EventHandlerSlot(this, 'connect');
  readonly #ondisconnect = new EventHandlerSlot(this, 'disconnect');

  constructor(session: ReceiverSession, options: KeepOptions = {}) {
    super();
    this.#session = session;
    this.#keeper = sessionKeeper(session, options);
    session.on('usb-device', (remote) => this.#announced(remote));
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
    return 'USB';
  }

  async getDevices(): Promise<FerryUSBDevice[]> {
    await nextTask();
    return [...this.#granted];
  }

  /** Chrome's checks, then the first shared device the filters list; none is NotFoundError, as Chrome. */
  async requestDevice(options: USBDeviceRequestOptions): Promise<FerryUSBDevice> {
    const checked = usbRequestOptions(options);
    if (checked instanceof TypeError) throw checked;
    await nextTask();
    const device = [...this.#devices].find((candidate) => usbChooserLists(checked, candidate));
    if (!device) throw domError('NotFoundError', 'No device selected.');
    device.regrant();
    this.#granted.add(device);
    const identity = this.#identities.get(device);
    if (identity !== undefined) this.#grantedIdentities.add(identity);
    return device;
  }

  /** Ferry's own: leaves the share. */
  close(): void {
    this.#session.close('the page closed its Ferry connection');
  }

  get session(): ReceiverSession {
    return this.#session;
  }

  /** A device a link announced: a kept one resumed (it carries on, nothing to tell), or a new one. */
  #announced(remote: RemoteUsbDevice): void {
    const { device: kept, resumed } = this.#keeper.takeUsb(remote);
    if (!resumed) this.#arrived(kept);
  }

  #arrived(kept: VirtualUsbDevice): void {
    const device = new FerryUSBDevice(kept, (forgotten) => this.#forget(forgotten));
    const identity = identityOf(kept);
    this.#devices.add(device);
    this.#identities.set(device, identity);
    kept.onClose(() => {
      this.#devices.delete(device);
      if (this.#granted.delete(device))
        this.dispatchEvent(new FerryUSBConnectionEvent('disconnect', { device }));
    });
    if (!this.#grantedIdentities.has(identity)) return;
    this.#granted.add(device);
    this.dispatchEvent(new FerryUSBConnectionEvent('connect', { device }));
  }

  #forget(device: FerryUSBDevice): void {
    this.#granted.delete(device);
    const identity = this.#identities.get(device);
    if (identity !== undefined) this.#grantedIdentities.delete(identity);
  }
}
