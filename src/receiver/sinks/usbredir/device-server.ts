/**
 * One shared device on its own TCP port: QEMU's usb-redir chardev redirects exactly one device per
 * connection, so each device gets a listener and serves one usb-guest at a time.
 */
import type { HidFunction } from '../usb/hid-function.ts';
import type { Logger, PeerHandler, PeerLink } from '../usb/peer-link.ts';
import { type TcpEndpoint, TcpServer } from '../usb/tcp-server.ts';
import { UsbredirSession } from './session.ts';

const REFUSED: PeerHandler = { receive: () => {}, closed: () => {} };

export class UsbredirDeviceServer {
  private session: UsbredirSession | undefined;
  private readonly stopInput: () => void;

  private constructor(
    private readonly fn: HidFunction,
    private server: TcpServer | undefined,
  ) {
    this.stopInput = fn.device.onInput((reportId, data) =>
      this.session?.input(fn.frameInput(reportId, data)),
    );
  }

  static async listen(fn: HidFunction, endpoint: TcpEndpoint, logger: Logger): Promise<UsbredirDeviceServer> {
    let self: UsbredirDeviceServer | undefined;
    const server = await TcpServer.listen(
      endpoint,
      (link, remote) => self?.accept(link, remote, logger) ?? REFUSED,
      logger,
    );
    self = new UsbredirDeviceServer(fn, server);
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
    const session = new UsbredirSession(link, this.fn);
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
