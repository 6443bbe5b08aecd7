/**
 * One shared device on its own TCP port: QEMU's usb-redir chardev redirects exactly one device per
 * connection, so each device gets a listener and serves one usb-guest at a time. HID devices get a
 * `UsbredirSession` (input reports pushed to it), generic USB devices a `GenericUsbredirSession`.
 */
import type { GenericUsbFunction } from '../usb/generic-function.ts';
import type { HidFunction } from '../usb/hid-function.ts';
import type { Logger, PeerHandler, PeerLink } from '../usb/peer-link.ts';
import { type TcpEndpoint, TcpServer } from '../usb/tcp-server.ts';
import { GenericUsbredirSession } from './generic-session.ts';
import { UsbredirSession } from './session.ts';

const REFUSED: PeerHandler = { receive: () => {}, closed: () => {} };

/** What the server needs of a session, whatever the device kind. */
interface DeviceSession extends PeerHandler {
  deviceGone(): void;
}

export class UsbredirDeviceServer {
  private session: DeviceSession | undefined;
  private stopInput: () => void = () => {};

  private constructor(
    private readonly newSession: (link: PeerLink) => DeviceSession,
    private server: TcpServer | undefined,
  ) {}

  static async listen(fn: HidFunction, endpoint: TcpEndpoint, logger: Logger): Promise<UsbredirDeviceServer> {
    const self = await UsbredirDeviceServer.open((link) => new UsbredirSession(link, fn), endpoint, logger);
    self.stopInput = fn.device.onInput((reportId, data) => {
      if (self.session instanceof UsbredirSession) self.session.input(fn.frameInput(reportId, data));
    });
    return self;
  }

  static listenGeneric(
    fn: GenericUsbFunction,
    endpoint: TcpEndpoint,
    logger: Logger,
  ): Promise<UsbredirDeviceServer> {
    return UsbredirDeviceServer.open((link) => new GenericUsbredirSession(link, fn), endpoint, logger);
  }

  private static async open(
    newSession: (link: PeerLink) => DeviceSession,
    endpoint: TcpEndpoint,
    logger: Logger,
  ): Promise<UsbredirDeviceServer> {
    let self: UsbredirDeviceServer | undefined;
    const server = await TcpServer.listen(
      endpoint,
      (link, remote) => self?.accept(link, remote, logger) ?? REFUSED,
      logger,
    );
    self = new UsbredirDeviceServer(newSession, server);
    return self;
  }

  get endpoint(): TcpEndpoint | undefined {
    return this.server?.endpoint;
  }

  /** The share ended: the guest sees an unplug, and the port closes. */
  async close(): Promise<void> {
    this.stopInput();
    this.session?.deviceGone();
    this.session = undefined;
    const server = this.server;
    this.server = undefined;
    await server?.close();
  }

  private accept(link: PeerLink, remote: string, logger: Logger): PeerHandler {
    if (this.session !== undefined) {
      logger.warn(`[ferry] usbredir: ${remote} refused, the device is already redirected to another guest`);
      link.close();
      return REFUSED;
    }
    const session = this.newSession(link);
    this.session = session;
    return {
      receive: (chunk) => session.receive(chunk),
      closed: () => {
        session.closed();
        if (this.session === session) this.session = undefined;
      },
    };
  }
}
