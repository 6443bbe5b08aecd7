/** One TCP client of the USB/IP server: a devlist query, or an import followed by URB traffic. */
import type { PeerHandler, PeerLink } from '../usb/peer-link.ts';
import type { UrbHandler, UsbipExport } from './export.ts';
import { UsbipParser, type UsbipRequest } from './parser.ts';
import { encodeDevlistReply, encodeImportReply } from './replies.ts';

/** The exported devices, HID and generic alike. */
export interface DeviceDirectory {
  list(): readonly UsbipExport[];
  find(busId: string): UsbipExport | undefined;
}

export class UsbipConnection implements PeerHandler {
  private readonly parser = new UsbipParser();
  private imported: { device: UsbipExport; session: UrbHandler } | undefined;

  constructor(
    private readonly link: PeerLink,
    private readonly directory: DeviceDirectory,
  ) {}

  /** Throws UsbipProtocolError; the server then drops this connection only. */
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
        this.link.send(encodeDevlistReply(this.directory.list()));
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
      this.link.send(encodeImportReply(undefined));
      this.link.close();
      return;
    }
    this.imported = { device, session };
    this.link.send(encodeImportReply(device));
    this.parser.enterUrbPhase();
  }
}
