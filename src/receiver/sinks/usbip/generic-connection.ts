/**
 * One TCP client of the generic USB/IP server. Same protocol flow as UsbipConnection (devlist, or an
 * import then URBs), over generic exports; the two merge once UsbipConnection takes an export interface.
 */
import type { PeerHandler, PeerLink } from '../usb/peer-link.ts';
import type { GenericExportedDevice } from './generic-exported-device.ts';
import { encodeGenericDevlist, encodeGenericImport } from './generic-replies.ts';
import type { GenericUrbSession } from './generic-urb-session.ts';
import { UsbipParser, type UsbipRequest } from './parser.ts';

export interface GenericDeviceDirectory {
  list(): readonly GenericExportedDevice[];
  find(busId: string): GenericExportedDevice | undefined;
}

export class GenericUsbipConnection implements PeerHandler {
  private readonly parser = new UsbipParser();
  private imported: { device: GenericExportedDevice; session: GenericUrbSession } | undefined;

  constructor(
    private readonly link: PeerLink,
    private readonly directory: GenericDeviceDirectory,
  ) {}

  receive(chunk: Uint8Array): void {
    this.parser.push(chunk, (request) => this.handle(request));
  }

  closed(): void {
    this.imported?.device.release(this.imported.session);
    this.imported = undefined;
  }

  private handle(request: UsbipRequest): void {
    switch (request.kind) {
      case 'devlist':
        this.link.send(encodeGenericDevlist(this.directory.list()));
        this.link.close();
        return;
      case 'import':
        this.import(request.busId);
        return;
      case 'submit':
        this.imported?.session.submit(request);
        return;
      case 'unlink':
        this.imported?.session.unlink(request);
        return;
    }
  }

  private import(busId: string): void {
    const device = this.directory.find(busId);
    const session = device?.import(this.link);
    if (device === undefined || session === undefined) {
      this.link.send(encodeGenericImport(undefined));
      this.link.close();
      return;
    }
    this.imported = { device, session };
    this.link.send(encodeGenericImport(device));
    this.parser.enterUrbPhase();
  }
}
