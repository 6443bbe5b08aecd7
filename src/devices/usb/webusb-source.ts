/**
 * The sharer's side of a generic USB share: an opened, configured WebUSB device with its interfaces
 * claimed and its raw descriptors read, performing the receiver's requests. Many requests run at once
 * and complete in any order; at most `maxInFlight` are accepted (the rest complete `busy`, so a flooding
 * peer cannot grow memory). WebUSB cannot abort one transfer, so a cancelled request completes
 * `cancelled` at once and the device's late answer is dropped.
 */
import type { UsbAnnouncement, UsbCompletionMessage, UsbRequestMessage } from '../../protocol/index.ts';
import { type BlockedInterface, claimAllInterfaces, protectedInterfaceError } from './claim-interfaces.ts';
import { sourceErrorFrom, statusFromError } from './errors.ts';
import { readDescriptors } from './read-descriptors.ts';
import { completion, performRequest } from './webusb-requests.ts';

/** What the source listens to for unplug events: `navigator.usb` or a fake. */
export interface UsbEvents {
  addEventListener(type: 'disconnect', listener: (event: Event) => void): void;
  removeEventListener(type: 'disconnect', listener: (event: Event) => void): void;
}

export interface WebUsbSourceOptions {
  readonly maxInFlight?: number;
  readonly usb?: UsbEvents;
}

export const DEFAULT_MAX_IN_FLIGHT = 64;

/**
 * One request the device is working on; `settle` ends it once (a cancel or an unplug may settle it
 * first). It holds the request's id, never the request: the request's data is a view into the link's
 * message, which must not live as long as a pending transfer.
 */
class InFlightRequest {
  readonly done: Promise<UsbCompletionMessage>;
  private resolve!: (result: UsbCompletionMessage) => void;

  constructor(
    readonly id: number,
    private readonly inFlight: Map<number, InFlightRequest>,
  ) {
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  settle(result: UsbCompletionMessage): void {
    if (this.inFlight.get(this.id) !== this) return; // cancelled or settled already
    this.inFlight.delete(this.id);
    this.resolve(result);
  }
}

export class WebUsbSource {
  private readonly inFlight = new Map<number, InFlightRequest>();
  private readonly disconnectListeners = new Set<() => void>();
  private readonly maxInFlight: number;
  private unplugged = false;
  private readonly onUsbDisconnect = (event: Event) => {
    if ((event as USBConnectionEvent).device === this.device) this.markUnplugged();
  };

  private constructor(
    readonly device: USBDevice,
    /** Raw descriptors as read with GET_DESCRIPTOR at open. */
    readonly descriptors: UsbAnnouncement['descriptors'],
    /** Interfaces Chrome refused as protected classes; requests for them fail with `error`. */
    readonly blockedInterfaces: readonly BlockedInterface[],
    private readonly options: WebUsbSourceOptions,
  ) {
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    options.usb?.addEventListener('disconnect', this.onUsbDisconnect);
  }

  /** Opens the device, selects its first configuration if it has none, claims, reads descriptors. */
  static async open(device: USBDevice, options: WebUsbSourceOptions = {}): Promise<WebUsbSource> {
    try {
      await device.open();
      const first = device.configurations[0];
      if (device.configuration === null && first !== undefined)
        await device.selectConfiguration(first.configurationValue);
      const blocked = await claimAllInterfaces(device);
      const interfaceCount = device.configuration?.interfaces.length ?? 0;
      if (interfaceCount > 0 && blocked.length === interfaceCount)
        throw protectedInterfaceError(device, blocked);
      const descriptors = await readDescriptors(device);
      return new WebUsbSource(device, descriptors, blocked, options);
    } catch (error) {
      throw sourceErrorFrom(error);
    }
  }

  /** The descriptors with the configuration the device is in now (a receiver may join late). */
  get announcement(): UsbAnnouncement {
    return {
      activeConfiguration: this.device.configuration?.configurationValue ?? 0,
      descriptors: this.descriptors,
    };
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get gone(): boolean {
    return this.unplugged;
  }

  onDisconnect(listener: () => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  /**
   * Performs one request; always resolves, with the status the device (or Ferry) gave it. The request's
   * data is only read by the WebUSB call made before this returns (which copies it, as WebUSB does with
   * every BufferSource), so it may be a borrowed view: no await may come before that call.
   */
  handle(request: UsbRequestMessage): Promise<UsbCompletionMessage> {
    if (request.kind === 'cancel') return Promise.resolve(this.cancel(request.requestId, request.target));
    if (this.unplugged) return Promise.resolve(completion(request.requestId, 'disconnected'));
    if (this.inFlight.has(request.requestId)) return Promise.resolve(completion(request.requestId, 'error'));
    if (this.inFlight.size >= this.maxInFlight) return Promise.resolve(completion(request.requestId, 'busy'));
    const entry = new InFlightRequest(request.requestId, this.inFlight);
    this.inFlight.set(entry.id, entry);
    try {
      performRequest(this.device, request).then(
        (result) => entry.settle(result),
        (error: unknown) => this.fail(entry, error),
      );
    } catch (error) {
      this.fail(entry, error); // a device object that throws instead of rejecting
    }
    return entry.done;
  }

  private fail(entry: InFlightRequest, error: unknown): void {
    entry.settle(completion(entry.id, statusFromError(error, this.isGone())));
  }

  /** Completes every request still in flight (`disconnected`) and releases the device. */
  async close(): Promise<void> {
    this.options.usb?.removeEventListener('disconnect', this.onUsbDisconnect);
    this.failAll('disconnected');
    if (this.device.opened) await this.device.close().catch(() => undefined);
  }

  private cancel(requestId: number, target: number): UsbCompletionMessage {
    const victim = this.inFlight.get(target);
    if (victim === undefined) return completion(requestId, 'error');
    victim.settle(completion(target, 'cancelled'));
    return completion(requestId, 'ok');
  }

  private isGone(): boolean {
    // Chrome marks the device closed when its connection drops (usb_device.cc OnConnectionError).
    return this.unplugged || !this.device.opened;
  }

  private markUnplugged(): void {
    if (this.unplugged) return;
    this.unplugged = true;
    this.failAll('disconnected');
    for (const listener of [...this.disconnectListeners]) listener();
  }

  private failAll(status: 'disconnected'): void {
    for (const [id, entry] of [...this.inFlight]) entry.settle(completion(id, status));
  }
}
