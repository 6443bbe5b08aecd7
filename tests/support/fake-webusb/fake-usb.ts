/**
 * A test-only `navigator.usb` following the WebUSB spec and Chrome (usb.cc): requestDevice needs
 * transient user activation and valid filters, shows a "chooser" (the first matching device unless
 * the test picks), grants permission; getDevices lists permitted, connected devices; connect and
 * disconnect events fire for permitted devices. Devices are SimulatedUsbDevices (Gadget Zero by
 * default), which carry Chrome's per-device rules.
 */
import { SimulatedUsbDevice } from '../../../src/devices/usb/index.ts';
import { checkFilter, matchesFilter } from './filters.ts';

export interface FakeUsbOptions {
  /** Chrome: LocalFrame::HasTransientUserActivation. In a page: `navigator.userActivation.isActive`. */
  readonly hasUserActivation?: () => boolean;
  /** The user's pick in the chooser; undefined = cancel. Default: the first matching device. */
  readonly choose?: (candidates: readonly SimulatedUsbDevice[]) => SimulatedUsbDevice | undefined;
}

export class FakeUsb extends EventTarget {
  onconnect: ((event: Event) => void) | null = null;
  ondisconnect: ((event: Event) => void) | null = null;
  private readonly connected: SimulatedUsbDevice[] = [];
  private readonly permitted = new Set<SimulatedUsbDevice>();

  constructor(private readonly options: FakeUsbOptions = {}) {
    super();
  }

  /** Plugs a device in (a new Gadget Zero by default). */
  plug(device: SimulatedUsbDevice = new SimulatedUsbDevice()): SimulatedUsbDevice {
    this.connected.push(device);
    if (this.permitted.has(device)) this.fire('connect', device);
    return device;
  }

  /** Pulls the cable: pending transfers fail with NotFoundError, then `disconnect` fires. */
  unplug(device: SimulatedUsbDevice): void {
    const at = this.connected.indexOf(device);
    if (at === -1) return;
    this.connected.splice(at, 1);
    device.unplug();
    if (this.permitted.has(device)) this.fire('disconnect', device);
  }

  async getDevices(): Promise<USBDevice[]> {
    return this.connected.filter((device) => this.permitted.has(device));
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
    this.permitted.add(chosen);
    return chosen;
  }

  private fire(type: 'connect' | 'disconnect', device: USBDevice): void {
    const event = Object.assign(new Event(type), { device });
    this.dispatchEvent(event);
    (type === 'connect' ? this.onconnect : this.ondisconnect)?.call(this, event);
  }
}
