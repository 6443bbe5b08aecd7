/**
 * The USB/IP sink: one USB/IP server exporting each shared device, HID or generic USB, under a bus id
 * (1-1, 1-2, ...). USB/IP has no authentication, so it listens on loopback unless `host` says otherwise.
 */
import type { RemoteHidDevice, RemoteUsbDevice, Sink } from '../types.ts';
import { GenericUsbFunction } from '../usb/generic-function.ts';
import { consoleLogger, type Logger } from '../usb/peer-link.ts';
import { reachableName, type TcpEndpoint, TcpServer } from '../usb/tcp-server.ts';
import { createHidFunction, type ReportSizesOf } from '../usb/usb-hid-device.ts';
import { UsbipConnection } from './connection.ts';
import type { UsbipExport } from './export.ts';
import { ExportedUsbipDevice } from './exported-device.ts';
import { GenericExportedDevice } from './generic-exported-device.ts';
import { USBIP_DEFAULT_PORT } from './protocol.ts';
import { DEFAULT_URB_SESSION_LIMITS, type UrbSessionLimits } from './urb-session.ts';

export interface UsbipSinkOptions {
  /** Default 127.0.0.1. Anything else exposes the devices to whoever can reach the port. */
  readonly host?: string;
  /** Default 3240 (the port `usbip` clients use); 0 picks a free port. */
  readonly port?: number;
  readonly reportSizes?: ReportSizesOf;
  readonly limits?: UrbSessionLimits;
  readonly logger?: Logger;
}

export class UsbipSink implements Sink {
  readonly name = 'usbip';
  private readonly devices = new Map<number, UsbipExport>();
  private readonly byDevice = new Map<RemoteHidDevice | RemoteUsbDevice, UsbipExport>();
  private server: Promise<TcpServer> | undefined;
  private bound: TcpEndpoint | undefined;

  constructor(private readonly options: UsbipSinkOptions = {}) {}

  /** Starts the server (attach does this too); resolves to the address actually bound. */
  async listen(): Promise<TcpEndpoint> {
    this.server ??= TcpServer.listen(
      { host: this.options.host ?? '127.0.0.1', port: this.options.port ?? USBIP_DEFAULT_PORT },
      (link) => new UsbipConnection(link, this.directory),
      this.options.logger ?? consoleLogger,
    );
    try {
      this.bound = (await this.server).endpoint;
      return this.bound;
    } catch (error) {
      this.server = undefined;
      throw error;
    }
  }

  /** Binds the port now, so that a port in use fails the receiver before it pairs. */
  async prepare(): Promise<void> {
    await this.listen();
  }

  describe(device: RemoteHidDevice | RemoteUsbDevice): readonly string[] {
    const busId = this.byDevice.get(device)?.busId;
    if (busId === undefined || this.bound === undefined) return [];
    const { host, port } = this.bound;
    const remote = reachableName(host);
    const portFlag = port === USBIP_DEFAULT_PORT ? '' : ` --tcp-port ${port}`;
    return [
      `usbip: exported ${busId} on ${host}:${port} — attach with: usbip${portFlag} attach -r ${remote} -b ${busId}`,
    ];
  }

  /** Bus ids currently exported. */
  busIds(): string[] {
    return [...this.devices.values()].map((device) => device.busId);
  }

  async attach(device: RemoteHidDevice): Promise<void> {
    await this.listen();
    const devnum = this.freeDevnum();
    const fn = createHidFunction(device, `ferry-1-${devnum}`, this.options.reportSizes);
    const limits = this.options.limits ?? DEFAULT_URB_SESSION_LIMITS;
    this.export(device, new ExportedUsbipDevice(devnum, fn, limits));
  }

  /** A generic USB device: exported with its own descriptors, every URB forwarded to the sharer. */
  async attachUsb(device: RemoteUsbDevice): Promise<void> {
    await this.listen();
    this.export(device, new GenericExportedDevice(this.freeDevnum(), new GenericUsbFunction(device)));
  }

  async close(): Promise<void> {
    for (const device of this.devices.values()) device.shutDown();
    this.devices.clear();
    this.byDevice.clear();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await (await server).close();
  }

  private readonly directory = {
    list: () => [...this.devices.values()].sort((a, b) => a.devnum - b.devnum),
    find: (busId: string) => [...this.devices.values()].find((device) => device.busId === busId),
  };

  private export(device: RemoteHidDevice | RemoteUsbDevice, exported: UsbipExport): void {
    this.devices.set(exported.devnum, exported);
    this.byDevice.set(device, exported);
    device.onClose(() => {
      this.byDevice.delete(device);
      this.remove(exported);
    });
  }

  private remove(device: UsbipExport): void {
    if (this.devices.get(device.devnum) !== device) return;
    this.devices.delete(device.devnum);
    device.shutDown();
  }

  /** The lowest free device number, so a re-shared device usually gets its old bus id back. */
  private freeDevnum(): number {
    let devnum = 1;
    while (this.devices.has(devnum)) devnum++;
    return devnum;
  }
}
