/**
 * The usbredir sink: each shared device (HID, or generic USB from WebUSB) is offered to one usb-guest
 * (QEMU `-device usb-redir`) on its own TCP port, this side playing the usb-host. Loopback unless
 * `host` says otherwise.
 */

import type { RemoteHidDevice, RemoteUsbDevice, Sink } from '../types.ts';
import { GenericUsbFunction } from '../usb/generic-function.ts';
import { consoleLogger, type Logger } from '../usb/peer-link.ts';
import { reachableName } from '../usb/tcp-server.ts';
import { createHidFunction, type ReportSizesOf } from '../usb/usb-hid-device.ts';
import { usbProductName } from '../usb-log.ts';
import { UsbredirDeviceServer } from './device-server.ts';

export const USBREDIR_DEFAULT_PORT = 4000;

export interface UsbredirSinkOptions {
  /** Default 127.0.0.1. usbredir has no authentication either. */
  readonly host?: string;
  /** The first device's port (default 4000); the n-th concurrent device gets port + n - 1. 0 = any free port. */
  readonly port?: number;
  readonly reportSizes?: ReportSizesOf;
  readonly logger?: Logger;
}

export interface UsbredirEndpoint {
  readonly productName: string;
  readonly host: string;
  readonly port: number;
}

export class UsbredirSink implements Sink {
  readonly name = 'usbredir';
  /** By slot (port offset), so a re-shared device usually gets its old port back. */
  private readonly servers = new Map<number, { server: UsbredirDeviceServer; productName: string }>();
  private readonly slots = new Map<RemoteHidDevice | RemoteUsbDevice, number>();

  constructor(private readonly options: UsbredirSinkOptions = {}) {}

  endpoints(): UsbredirEndpoint[] {
    return [...this.servers.values()].flatMap(({ server, productName }) => {
      const endpoint = server.endpoint;
      return endpoint === undefined ? [] : [{ productName, ...endpoint }];
    });
  }

  describe(device: RemoteHidDevice | RemoteUsbDevice): readonly string[] {
    const slot = this.slots.get(device);
    const endpoint = slot === undefined ? undefined : this.servers.get(slot)?.server.endpoint;
    if (endpoint === undefined) return [];
    const { host, port } = endpoint;
    const target = reachableName(host);
    const id = `ferry${slot === 0 ? '' : slot}`;
    return [
      `usbredir: ${productNameOf(device)} on ${host}:${port} — qemu-system-x86_64 … -device qemu-xhci,id=xhci ` +
        `-chardev socket,id=${id},host=${target},port=${port},reconnect=1 -device usb-redir,chardev=${id},bus=xhci.0`,
    ];
  }

  /** Resolves once the device's port is listening (a guest may connect at any time after). */
  async attach(device: RemoteHidDevice): Promise<void> {
    const slot = this.freeSlot();
    const fn = createHidFunction(device, `ferry-redir-${slot + 1}`, this.options.reportSizes);
    const server = await UsbredirDeviceServer.listen(fn, this.endpointFor(slot), this.logger);
    this.track(device, slot, server);
  }

  /** A generic USB device: its own descriptors, every transfer forwarded to the sharer. */
  async attachUsb(device: RemoteUsbDevice): Promise<void> {
    const slot = this.freeSlot();
    const fn = new GenericUsbFunction(device);
    const server = await UsbredirDeviceServer.listenGeneric(fn, this.endpointFor(slot), this.logger);
    this.track(device, slot, server);
  }

  private get logger() {
    return this.options.logger ?? consoleLogger;
  }

  private endpointFor(slot: number) {
    const basePort = this.options.port ?? USBREDIR_DEFAULT_PORT;
    return { host: this.options.host ?? '127.0.0.1', port: basePort === 0 ? 0 : basePort + slot };
  }

  private track(device: RemoteHidDevice | RemoteUsbDevice, slot: number, server: UsbredirDeviceServer): void {
    const entry = { server, productName: productNameOf(device) };
    this.servers.set(slot, entry);
    this.slots.set(device, slot);
    device.onClose(() => {
      this.slots.delete(device);
      if (this.servers.get(slot) === entry) this.servers.delete(slot);
      void server.close();
    });
  }

  async close(): Promise<void> {
    const servers = [...this.servers.values()];
    this.servers.clear();
    this.slots.clear();
    await Promise.all(servers.map(({ server }) => server.close()));
  }

  private freeSlot(): number {
    let slot = 0;
    while (this.servers.has(slot)) slot++;
    return slot;
  }
}

function productNameOf(device: RemoteHidDevice | RemoteUsbDevice): string {
  return 'info' in device ? device.info.productName : usbProductName(device);
}
