import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DeviceKeeper } from '../../receiver/keep/index.ts';
import {
  type LinkPath,
  type RemoteUsbDevice as LinkUsbDevice,
  NO_SHARER,
  type Permission,
  ReceiverSession,
  type RemoteDevice,
  type ShortCode,
} from '../../transport/index.ts';
import { asSentence } from '../lib/format.ts';
import { describeError } from '../lib/messages.ts';
import { connectToServer } from './connection.ts';
import { HidTile } from './hid-tile.ts';
import { UsbTile } from './usb-tile.ts';

const PATH_EVERY_MS = 2000;

/**
 * How long a device whose link went down keeps its panel for the sharer to bring it back (as
 * `ferry receive --grace`'s default), the freshness bound after a resume and how long a request waits
 * for the link (docs/receiver.md, "When the link goes down").
 */
export const KEEP_OPTIONS = { graceMs: 60_000, keep: false, freshMs: 100, requestTimeoutMs: 5000 } as const;

/** What a receiver came by: a share link, or a short code typed in. */
export type ReceiveTarget = { sessionId: string; secret: string } | { code: ShortCode };

/**
 * `no-sharer`: in the session, but nobody is sharing in it right now; it connects when someone does.
 * `approval`: the sharer is authenticated and deciding whether to let this receiver in (and how far).
 */
export type ReceivePhase =
  | 'connecting'
  | 'waiting'
  | 'no-sharer'
  | 'approval'
  | 'connected'
  | 'ended'
  | 'failed';

/**
 * Owns the receiver's session while the host element is connected: joins, follows the sharer's
 * devices, and closes everything when the element goes away or joins again.
 */
export class ReceiverController implements ReactiveController {
  phase: ReceivePhase = 'connecting';
  sharerName: string | undefined;
  /** The verification words of the link (the sharer's page shows the same), once connected. */
  verification: string | undefined;
  /** What the sharer allowed this receiver, once it approved it. */
  permission: Permission | undefined;
  /** Every device's panel, HID or USB, in the order they came: each outlives its link for the grace. */
  private tiles: Array<HidTile | UsbTile> = [];
  /** Why the share ended or failed, or the latest problem, in plain words. */
  message: string | undefined;
  /** A sharer was here and has gone (as opposed to: nobody has shared in this session since we came). */
  sharerLeft = false;
  /** The network path to the sharer (direct or relayed, RTT), read every PATH_EVERY_MS while connected. */
  path: LinkPath | undefined;
  /** Input reports the pipeline's `seq` stage declared lost; undefined when the pipeline has no `seq`. */
  lostReports: number | undefined;
  /** Links to a sharer after the first one in this join (the sharer reloaded, left and came back…). */
  reconnects = 0;
  private pipeline = '';
  private links = 0;
  /** The Ferry server is out of reach and the page is retrying (it resumes the session once back). */
  serverDown = false;
  /** How often the server went out of reach during this visit. */
  serverOutages = 0;
  private session: ReceiverSession | undefined;
  private keeper = newKeeper();
  /** Re-renders every second while a panel is kept, for its "reconnecting (n s)". */
  private keptTimer: ReturnType<typeof setInterval> | undefined;
  private pathTimer: ReturnType<typeof setInterval> | undefined;
  private target: ReceiveTarget | undefined;
  private name = '';
  /** Bumped on every join, so a late reply from an abandoned join changes nothing. */
  private attempt = 0;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** The HID devices' panels (KEEP_OPTIONS: how long each outlives its link). */
  get devices(): HidTile[] {
    return this.tiles.filter((tile) => tile instanceof HidTile);
  }

  /** Generic USB devices' panels (issue 6: this page lists `usb` in its hello), kept the same way. */
  get usbDevices(): UsbTile[] {
    return this.tiles.filter((tile) => tile instanceof UsbTile);
  }

  /** Joins (again, if already joined: e.g. under a new name). */
  join(target: ReceiveTarget, name: string): void {
    this.target = target;
    this.name = name;
    this.close();
    void this.connect(++this.attempt);
  }

  hostConnected(): void {
    if (this.target && !this.session) this.join(this.target, this.name);
  }

  hostDisconnected(): void {
    this.attempt++;
    this.close();
  }

  private async connect(attempt: number): Promise<void> {
    this.reset('connecting');
    try {
      const kit = await connectToServer();
      if (attempt !== this.attempt) return kit.signaling.close();
      kit.signaling.on('reconnecting', ({ outages }) =>
        this.update(() => {
          this.serverDown = true;
          this.serverOutages = outages;
        }),
      );
      kit.signaling.on('resumed', () => this.update(() => (this.serverDown = false)));
      const session = new ReceiverSession({
        ...kit,
        name: this.name,
        auth: authFor(this.target),
        acceptUsb: true,
        // A page stays in the session when the sharer goes (a reload, a closed tab): it may come back.
        whenSharerLeaves: 'wait',
      });
      this.session = session;
      this.follow(session);
      const sharer = await session.join(joinBy(this.target));
      if (attempt !== this.attempt || this.phase !== 'connecting') return;
      this.sharerName = sharer?.name;
      this.setPhase('waiting');
    } catch (error) {
      if (attempt === this.attempt) this.fail(describeError(error));
    }
  }

  private follow(session: ReceiverSession): void {
    session.on('connected', ({ sharerName, verification, pipeline }) => {
      this.sharerName = sharerName;
      this.verification = verification;
      this.pipeline = pipeline;
      this.links += 1;
      this.reconnects = Math.max(0, this.links - 1);
      this.setPhase('approval');
    });
    session.on('granted', ({ permission }) => {
      this.permission = permission;
      this.setPhase('connected');
      this.watchPath(session);
    });
    session.on('no-sharer', ({ reason }) => {
      this.sharerLeft ||= reason === NO_SHARER.left;
      this.setPhase('no-sharer');
    });
    session.on('sharer-joined', (sharer) => {
      this.sharerName = sharer.name;
      this.message = undefined;
      this.setPhase('waiting');
    });
    // Called before the link's devices go: a link lost (not a goodbye) keeps their panels for the grace.
    // A stop's goodbye that came after the link was judged lost takes the kept panels with it.
    session.on('link-down', (down) => {
      if (this.keeper.linkWent(down) > 0) this.tickWhileKept();
    });
    session.on('link-stall', ({ stalled }) => {
      if (stalled) this.keeper.stall();
    });
    session.on('device', (source) => this.take(source));
    session.on('usb-device', (source) => this.takeUsb(source));
    session.on('problem', (error) => this.update(() => (this.message = error.message)));
    // A pairing that never happened (a wrong secret, pipelines that differ) failed; the share did not end.
    session.on('ended', ({ reason, kind }) => {
      // Nothing comes back to a session that ended: kept panels go with it.
      this.keeper.removeAll(reason);
      if (kind === 'failed') return this.fail(asSentence(reason));
      this.message = reason;
      this.setPhase('ended');
    });
  }

  /** A device a link announced: the kept panel it is again, or a new panel that leaves with it. */
  private take(source: RemoteDevice): void {
    const { device, resumed } = this.keeper.take(source);
    if (resumed) this.host.requestUpdate();
    else this.show(new HidTile(device, source));
  }

  /** The same for a USB device: the same descriptors carry on in the kept panel, its requests too. */
  private takeUsb(source: LinkUsbDevice): void {
    const { device, resumed } = this.keeper.takeUsb(source);
    if (resumed) this.host.requestUpdate();
    else this.show(new UsbTile(device, KEEP_OPTIONS.requestTimeoutMs));
  }

  /** A new panel, which leaves the page with its device (past the grace, a goodbye, the end). */
  private show(tile: HidTile | UsbTile): void {
    tile.device.onClose(() => this.update(() => (this.tiles = this.tiles.filter((t) => t !== tile))));
    this.update(() => (this.tiles = [...this.tiles, tile]));
  }

  private tickWhileKept(): void {
    this.host.requestUpdate();
    if (this.keptTimer !== undefined) return;
    this.keptTimer = setInterval(() => {
      this.host.requestUpdate();
      if (this.keeper.keptCount > 0) return;
      clearInterval(this.keptTimer);
      this.keptTimer = undefined;
    }, 1000);
  }

  private watchPath(session: ReceiverSession): void {
    clearInterval(this.pathTimer);
    const read = () =>
      void session.path().then((path) => {
        if (session !== this.session || !path) return;
        this.update(() => {
          this.path = path;
          this.lostReports = /\bseq\b/.test(this.pipeline) ? session.lost : undefined;
        });
      });
    read();
    this.pathTimer = setInterval(read, PATH_EVERY_MS);
  }

  private close(): void {
    clearInterval(this.pathTimer);
    this.session?.close('the receiver left');
    this.session = undefined;
    this.keeper.removeAll('the receiver left');
    this.keeper = newKeeper();
    clearInterval(this.keptTimer);
    this.keptTimer = undefined;
  }

  private reset(phase: ReceivePhase): void {
    this.sharerName = undefined;
    this.verification = undefined;
    this.permission = undefined;
    this.sharerLeft = false;
    this.lostReports = undefined;
    this.reconnects = 0;
    this.links = 0;
    this.pipeline = '';
    this.serverDown = false;
    this.serverOutages = 0;
    this.tiles = [];
    this.message = undefined;
    this.setPhase(phase);
  }

  private fail(message: string): void {
    this.message = message;
    this.setPhase('failed');
  }

  private setPhase(phase: ReceivePhase): void {
    if (phase !== 'connected') {
      clearInterval(this.pathTimer);
      this.path = undefined;
    }
    this.phase = phase;
    this.host.requestUpdate();
  }

  private update(change: () => void): void {
    change();
    this.host.requestUpdate();
  }
}

function newKeeper(): DeviceKeeper {
  // The panel says itself that it is gone; nothing to log. A USB request waits for the link as long as
  // any request does, then fails (a bulk IN without a timeout would otherwise wait out the grace).
  const usb = { linkWaitMs: KEEP_OPTIONS.requestTimeoutMs };
  return new DeviceKeeper({ ...KEEP_OPTIONS, usb }, { removed: () => {} });
}

function authFor(target: ReceiveTarget | undefined) {
  if (!target) return {};
  return 'code' in target ? { code: target.code.words.join('-') } : { link: target.secret };
}

function joinBy(target: ReceiveTarget | undefined): { sessionId: string } | { nameplate: string } {
  if (!target) throw new Error('nothing to join');
  return 'code' in target ? { nameplate: target.code.nameplate } : { sessionId: target.sessionId };
}
