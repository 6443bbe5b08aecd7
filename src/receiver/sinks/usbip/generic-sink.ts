/**
 * A USB/IP server for shared generic USB devices (issue 6), each under a bus id (1-1, 1-2, …).
 * Loopback only unless `host` says otherwise: USB/IP has no authentication.
 */
import type { RemoteUsbDevice } from '../../../transport/usb-remote-device.ts';
import { GenericUsbFunction } from '../usb/generic-function.ts';
import { consoleLogger, type Logger } from '../usb/peer-link.ts';
import { type TcpEndpoint, TcpServer } from '../usb/tcp-server.ts';
import { GenericUsbipConnection } from './generic-connection.ts';
import { GenericExportedDevice } from './generic-exported-device.ts';
import { USBIP_DEFAULT_PORT } from './protocol.ts';

export interface GenericUsbipSinkOptions {
  readonly host?: string;
  readonly port?: number;
  readonly logger?: Logger;
}

export class GenericUsbipSink {
  readonly name = 'usbip-generic';
  private readonly devices = new Map<number, GenericExportedDevice>();
  private server: Promise<TcpServer> | undefined;

  constructor(private readonly options: GenericUsbipSinkOptions = {}) {}

  async listen(): Promise<TcpEndpoint> {
    this.server ??= TcpServer.listen(
      { host: this.options.host ?? '127.0.0.1', port: this.options.port ?? USBIP_DEFAULT_PORT },
      (link) => new GenericUsbipConnection(link, this.directory),
      this.options.logger ?? consoleLogger,
    );
    try {
      return (await this.server).endpoint;
    } catch (error) {
      this.server = undefined;
      throw error;
    }
  }

  busIds(): string[] {
    return [...this.devices.values()].map((device) => device.busId);
  }

  async attach(device: RemoteUsbDevice): Promise<void> {
    await this.listen();
    let devnum = 1;
    while (this.devices.has(devnum)) devnum++;
    const exported = new GenericExportedDevice(devnum, new GenericUsbFunction(device));
    this.devices.set(devnum, exported);
    device.onClose(() => {
      if (this.devices.get(devnum) !== exported) return;
      this.devices.delete(devnum);
      exported.shutDown();
    });
  }

  async close(): Promise<void> {
    for (const device of this.devices.values()) device.shutDown();
    this.devices.clear();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await (await server).close();
  }

  private readonly directory = {
    list: () => [...this.devices.values()].sort((a, b) => a.devnum - b.devnum),
    find: (busId: string) => [...this.devices.values()].find((device) => device.busId === busId),
  };
}
