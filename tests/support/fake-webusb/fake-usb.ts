/**
 * A test-only `navigator.usb` following the WebUSB spec and Chrome (usb.cc): requestDevice needs
 * transient user activation and valid filters, shows a "chooser" (the first matching device unless
 * the test picks), grants permission; getDevices lists permitted, connected devices; connect and
 * disconnect events fire for permitted devices. Devices are SimulatedUsbDevices (Gadget Zero by
 * default), which carry Chrome's per-device rules. Permissions live where Chrome's UsbChooserContext
 * keeps them, outside the page: given `storage` (the origin's localStorage in a page), a reload still
 * finds them; one for a device with a serial number persists, one without is ephemeral and goes when
 * the device is unplugged.
 */
import { SimulatedUsbDevice } from '../../../src/devices/usb/index.ts';
import { checkFilter, matchesFilter } from './filters.ts';

export interface FakeUsbOptions {
  /** Chrome: LocalFrame::HasTransientUserActivation. In a page: `navigator.userActivation.isActive`. */
  readonly hasUserActivation?: () => boolean;
  /** The user's pick in the chooser; undefined = cancel. Default: the first matching device. */
  readonly choose?: (candidates: readonly SimulatedUsbDevice[]) => SimulatedUsbDevice | undefined;
  /** Where the origin's permissions outlive the document (a page passes its localStorage). */
  readonly storage?: Pick<Storage, 'getItem' | 'setItem'>;
}

const GRANTS_KEY = '__ferryFakeUsb:grants';

/** What Chrome matches a persistent grant by. */
function identity(device: USBDevice): string {
  return JSON.stringify([
    device.vendorId,
    device.productId,
    device.serialNumber ?? '',
    device.productName ?? '',
  ]);
}

export class FakeUsb extends EventTarget {
  onconnect: ((event: Event) => void) | null = null;
  ondisconnect: ((event: Event) => void) | null = null;
  private readonly connected: SimulatedUsbDevice[] = [];
  private readonly permitted: Set<string>;
  /** Identical simulated devices (same ids and serial) are told apart by the order they were plugged in. */
  private readonly keys = new WeakMap<USBDevice, string>();

  constructor(private readonly options: FakeUsbOptions = {}) {
    super();
    this.permitted = new Set(this.readGrants());
  }

  private grantKey(device: USBDevice): string {
    return this.keys.get(device) ?? identity(device);
  }

  private isPermitted(device: USBDevice): boolean {
    return this.permitted.has(this.grantKey(device));
  }

  private setPermitted(device: USBDevice, granted: boolean): void {
    if (granted) this.permitted.add(this.grantKey(device));
    else this.permitted.delete(this.grantKey(device));
    try {
      this.options.storage?.setItem(GRANTS_KEY, JSON.stringify([...this.permitted]));
    } catch {
      // No storage: the grant lasts for this document only.
    }
  }

  private readGrants(): string[] {
    try {
      const parsed: unknown = JSON.parse(this.options.storage?.getItem(GRANTS_KEY) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((key): key is string => typeof key === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Plugs a device in (a new Gadget Zero by default). */
  plug(device: SimulatedUsbDevice = new SimulatedUsbDevice()): SimulatedUsbDevice {
    const twins = this.connected.filter((other) => identity(other) === identity(device)).length;
    if (!this.keys.has(device)) this.keys.set(device, `${identity(device)}#${twins}`);
    this.connected.push(device);
    if (this.isPermitted(device)) this.fire('connect', device);
    return device;
  }

  /** Pulls the cable: pending transfers fail with NotFoundError, then `disconnect` fires. */
  unplug(device: SimulatedUsbDevice): void {
    const at = this.connected.indexOf(device);
    if (at === -1) return;
    this.connected.splice(at, 1);
    device.unplug();
    if (!this.isPermitted(device)) return;
    this.fire('disconnect', device);
    if (!device.serialNumber) this.setPermitted(device, false); // an ephemeral permission ends here
  }

  async getDevices(): Promise<USBDevice[]> {
    return this.connected.filter((device) => this.isPermitted(device));
  }

  async requestDevice(options?: USBDeviceRequestOptions): Promise<USBDevice> {
    if (options === undefined || !Array.isArray(options.filters)) {
      throw new TypeError(
        "Failed to execute 'requestDevice' on 'USB': required member filters is undefined.",
      );
    }
    if (!(this.options.hasUserActivation?.() ?? true)) {
      throw new DOMException(
        'Must be handling a user gesture to show a permission request.',
        'SecurityError',
      );
    }
    for (const filter of [...options.filters, ...(options.exclusionFilters ?? [])]) checkFilter(filter);
    const candidates = this.connected.filter(
      (device) =>
        (options.filters.length === 0 || options.filters.some((f) => matchesFilter(device, f))) &&
        !(options.exclusionFilters ?? []).some((f) => matchesFilter(device, f)),
    );
    const chosen = this.options.choose ? this.options.choose(candidates) : candidates[0];
    if (chosen === undefined) throw new DOMException('No device selected.', 'NotFoundError');
    this.setPermitted(chosen, true);
    return chosen;
  }

  private fire(type: 'connect' | 'disconnect', device: USBDevice): void {
    const event = Object.assign(new Event(type), { device });
    this.dispatchEvent(event);
    (type === 'connect' ? this.onconnect : this.ondisconnect)?.call(this, event);
  }
}
