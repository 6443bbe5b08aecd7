import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DemoSpaceNavigator, type HidSource, WebHidSource } from '../../devices/index.ts';
import {
  PROTECTED_INTERFACE_CLASSES,
  SimulatedUsbDevice,
  type UsbEvents,
  WebUsbSource,
} from '../../devices/usb/index.ts';
import {
  buildShareLink,
  buildShortCode,
  type ChannelAuth,
  createCodeWords,
  createShareSecret,
  PeerAuthError,
  type PeerStatus,
  type Permission,
  SharerSession,
  type SharerStatus,
  SignalingError,
  type TicketRecord,
} from '../../transport/index.ts';
import { asSentence } from '../lib/format.ts';
import { describeError } from '../lib/messages.ts';
import {
  clearStoredShare,
  type StoredDevice,
  type StoredJoin,
  type StoredShare,
  saveStoredJoin,
  saveStoredShare,
} from '../lib/stored-share.ts';
import { connectToServer, type PeerConnectionKit } from './connection.ts';
import { pageStamp } from './freeze-stamp.ts';
import { reopenDevice } from './reopen-device.ts';
import { ReplugSwaps } from './replug-swaps.ts';

/** Host a new session (sharer first), join one a receiver is waiting in, or return to ours after a reload. */
export type ShareTarget =
  | { kind: 'host' }
  | { kind: 'join'; by: { sessionId: string } | { nameplate: string }; auth: ChannelAuth }
  | { kind: 'resume'; stored: StoredShare };

/** How receivers find a hosted session. */
export interface ShareInvite {
  link: string;
  code: string;
  /** Someone tried the code with the wrong words, so the server burned it: only the link works now. */
  codeBurned?: boolean;
}

export type SharePhase = 'idle' | 'starting' | 'sharing' | 'failed';

/** Who gets in (docs/security.md): everyone asks by default; `anyone` lets whoever has the link in. */
export interface AccessSettings {
  anyone: boolean;
  /** What new receivers get: the approval prompt's first choice, and every receiver's with `anyone`. */
  permission: Permission;
}

type HidEvents = Pick<HID, 'addEventListener' | 'removeEventListener'>;

/** How often a reloaded page asks to be its session's sharer again before it concludes another tab is. */
const RESUME_ATTEMPTS = 4;
const RESUME_RETRY_MS = 750;

/**
 * Owns the sharer's session and the devices it shares, for the lifetime of the host element: one
 * session per page, created on the first share (or on demand to learn a waiting receiver's name), and
 * closed with every device when the element goes away.
 */
export class SharerController implements ReactiveController {
  phase: SharePhase = 'idle';
  invite: ShareInvite | undefined;
  status: SharerStatus | undefined;
  /** Receivers who were waiting in the session we joined. */
  waitingReceivers: string[] = [];
  sharedDevices: string[] = [];
  demo: DemoSpaceNavigator | undefined;
  usbDemo: SimulatedUsbDevice | undefined;
  error: string | undefined;
  access: AccessSettings = { anyone: false, permission: 'full' };
  private session: Promise<SharerSession> | undefined;
  private openSession: SharerSession | undefined;
  private readonly sources: Array<HidSource | WebUsbSource> = [];
  /** What a reload needs to resume this share (hosted sessions only); kept in sessionStorage. */
  private resumable: Omit<StoredShare, 'devices' | 'access' | 'codeBurned'> | undefined;
  /** The shared devices, as a reload finds them again. */
  private storedDevices: StoredDevice[] = [];
  /** The re-admission tickets the session gave (or a reload brought back): kept for the next reload. */
  private tickets: TicketRecord[] = [];
  /** The waiting receiver's session this page joined by its link (`/r/<id>`), kept for a reload too. */
  private joinedSession: { sessionId: string; pipeline: string } | undefined;
  /** An unplugged WebHID device that comes back (or is shared again) within 5 s is swapped in. */
  private readonly replugs = new ReplugSwaps('hid' in navigator ? navigator.hid : undefined, (old, next) =>
    this.sources.splice(this.sources.indexOf(old), 1, next),
  );

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly name: () => string,
    /** The pipeline spec the session is made with (read once, when it starts). */
    private readonly pipeline: () => string,
  ) {
    host.addController(this);
  }

  /** True once a session exists (or is being made): its pipeline is then fixed. */
  get started(): boolean {
    return this.session !== undefined;
  }

  /** Connects and hosts or joins once; later calls reuse that session whatever their target. */
  start(target: ShareTarget): Promise<SharerSession> {
    this.session ??= this.open(target).catch((error: unknown) => {
      this.session = undefined;
      throw error;
    });
    return this.session;
  }

  async shareHidDevice(device: HIDDevice, hid: HidEvents, target: ShareTarget): Promise<void> {
    await this.run(async () => this.addHidDevice(device, hid, target));
  }

  /** The demo takes exactly the path a real device takes: a HIDDevice-shaped object behind WebHidSource. */
  async shareDemo(target: ShareTarget): Promise<void> {
    await this.run(async () => this.addDemo(target));
  }

  /** A generic USB device (WebUSB); Chrome refuses protected interfaces, and WebUsbSource says so. */
  async shareUsbDevice(device: USBDevice, usb: UsbEvents, target: ShareTarget): Promise<void> {
    await this.run(async () => this.addUsbDevice(device, usb, target));
  }

  /** A simulated Gadget Zero behind the same WebUsbSource a real device takes. */
  async shareUsbDemo(target: ShareTarget): Promise<void> {
    await this.run(async () => this.addUsbDemo(target));
  }

  /**
   * After a reload: returns to the stored session (same link, same code) and opens its devices again,
   * without a chooser: the ones this origin was granted come back from getDevices().
   */
  async resume(stored: StoredShare): Promise<void> {
    this.access = stored.access;
    this.tickets = stored.tickets ?? [];
    const target: ShareTarget = { kind: 'resume', stored };
    await this.run(async () => {
      await this.startResumed(target);
      await this.reopenAll(stored.devices, target);
    });
  }

  /**
   * The server may not yet have seen the unloaded page's socket close, and then still counts it as the
   * sharer: try again a few times. A share that keeps its sharer is running in another tab (a duplicated
   * tab carries sessionStorage along), and only one tab can be its sharer: this one starts afresh.
   */
  private async startResumed(target: ShareTarget & { kind: 'resume' }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.start(target);
        return;
      } catch (error) {
        if (!(error instanceof SignalingError && error.code === 'sharer-exists')) throw error;
        if (attempt >= RESUME_ATTEMPTS) break;
        await new Promise((resolve) => setTimeout(resolve, RESUME_RETRY_MS));
      }
    }
    clearStoredShare();
    throw new Error('This share is running in another tab. Share a device to start a new one here.');
  }

  /** After a reload of a `/r/` page: joins the waiting receiver's session again and re-opens the devices. */
  async resumeJoin(target: ShareTarget & { kind: 'join' }, stored: StoredJoin): Promise<void> {
    this.access = stored.access;
    this.tickets = stored.tickets ?? [];
    await this.run(async () => {
      await this.start(target);
      await this.reopenAll(stored.devices, target);
    });
  }

  /** Opens every stored device again; the ones that cannot be are named in one error at the end. */
  private async reopenAll(devices: StoredDevice[], target: ShareTarget): Promise<void> {
    const failures: string[] = [];
    const taken = new Set<HIDDevice | USBDevice>();
    for (const device of devices) {
      try {
        await reopenDevice(device, taken, {
          demo: () => this.addDemo(target),
          usbDemo: () => this.addUsbDemo(target),
          hid: (found, hid) => this.addHidDevice(found, hid, target),
          usb: (found, usb) => this.addUsbDevice(found, usb, target),
        });
      } catch (error) {
        failures.push(describeError(error));
      }
    }
    this.remember();
    if (failures.length > 0) throw new Error(failures.join(' '));
  }

  /** Receivers that proved the secret and wait for approval. */
  get waiting(): PeerStatus[] {
    return this.status?.peers.filter((peer) => peer.state === 'waiting') ?? [];
  }

  /** Applies to receivers that arrive from now on; the ones waiting already still need an answer. */
  setAccess(access: AccessSettings): void {
    this.access = access;
    this.openSession?.setApproval(access.anyone ? 'anyone' : 'ask', access.permission);
    this.remember();
    this.host.requestUpdate();
  }

  /** Approves a waiting receiver, or changes what an approved one may do. */
  grant(peerId: string, permission: Permission): void {
    this.openSession?.grant(peerId, permission);
  }

  /** Denies a waiting receiver or revokes an approved one, at once. */
  revoke(peerId: string): void {
    this.openSession?.revoke(peerId);
  }

  hostConnected(): void {
    window.addEventListener('pagehide', this.onPageHide);
  }

  hostDisconnected(): void {
    window.removeEventListener('pagehide', this.onPageHide);
    clearStoredShare(); // left the share page within the app: that share is over
    this.stop();
    this.phase = 'idle';
  }

  /** The "Stop sharing" button: receivers get the same goodbye as when the tab closes; a reload starts afresh. */
  stopSharing(): void {
    clearStoredShare();
    this.stop();
    this.error = undefined;
    this.phase = 'idle';
    this.host.requestUpdate();
  }

  /**
   * The page goes: closed, or reloaded, which it cannot tell apart. A share that a reload resumes (it is
   * stored) says it is leaving, and its receivers keep its devices for a reload to bring them back
   * (transport/goodbye.ts, PAGE_RETURN_MS); one that a reload does not resume stops, as Stop sharing does.
   */
  private readonly onPageHide = (): void =>
    this.openSession?.close({ leaving: this.resumable !== undefined || this.joinedSession !== undefined });

  /** Closes the session and every shared device; the page can start again from scratch. */
  private stop(): void {
    this.openSession?.close();
    this.replugs.close();
    for (const source of this.sources.splice(0)) void source.close().catch(() => undefined);
    this.session = undefined;
    this.openSession = undefined;
    this.invite = undefined;
    this.status = undefined;
    this.waitingReceivers = [];
    this.sharedDevices = [];
    this.demo = undefined;
    this.usbDemo = undefined;
    this.resumable = undefined;
    this.joinedSession = undefined;
    this.storedDevices = [];
    this.tickets = []; // a stopped share's tickets let nobody into the next one
  }

  /**
   * The waiting receiver refused the code (or link) this page came with: say so and leave its session,
   * so that the receiver is free for the right sharer and this page can try the code again.
   */
  private refusedSecret(error: PeerAuthError): void {
    this.stop();
    this.error = asSentence(error.message);
    this.phase = 'failed';
    this.host.requestUpdate();
  }

  private async run(task: () => Promise<void>): Promise<void> {
    this.error = undefined;
    if (this.phase !== 'sharing') this.phase = 'starting';
    this.host.requestUpdate();
    try {
      await task();
      this.phase = 'sharing';
    } catch (error) {
      this.error = describeError(error);
      this.phase = this.sources.length > 0 ? 'sharing' : 'failed';
    }
    this.host.requestUpdate();
  }

  private async addHidDevice(device: HIDDevice, hid: HidEvents, target: ShareTarget): Promise<void> {
    const source = await WebHidSource.open(device, hid, pageStamp);
    const { vendorId, productId, productName } = device;
    await this.addSource(source, target, { kind: 'hid', vendorId, productId, productName });
  }

  private async addDemo(target: ShareTarget): Promise<void> {
    const demo = new DemoSpaceNavigator();
    const hid = 'hid' in navigator ? navigator.hid : new EventTarget();
    const source = await WebHidSource.open(demo as unknown as HIDDevice, hid, pageStamp);
    this.demo = demo;
    await this.addSource(source, target, { kind: 'demo' });
  }

  private async addUsbDevice(device: USBDevice, usb: UsbEvents, target: ShareTarget): Promise<void> {
    const source = await WebUsbSource.open(device, { usb });
    const { vendorId, productId, serialNumber } = device;
    await this.addUsbSource(source, target, {
      kind: 'usb',
      vendorId,
      productId,
      ...(serialNumber ? { serialNumber } : {}),
    });
  }

  private async addUsbDemo(target: ShareTarget): Promise<void> {
    this.usbDemo = new SimulatedUsbDevice();
    const usb = 'usb' in navigator ? navigator.usb : new EventTarget();
    await this.addUsbSource(await WebUsbSource.open(this.usbDemo, { usb }), target, { kind: 'usb-demo' });
  }

  private async addSource(source: HidSource, target: ShareTarget, stored: StoredDevice): Promise<void> {
    try {
      const session = await this.start(target);
      if (this.replugs.share(session, source) === 'swapped') return;
      this.sources.push(source);
      this.sharedDevices = [...this.sharedDevices, source.productName || 'Unnamed device'];
      this.added(stored);
    } catch (error) {
      await source.close().catch(() => undefined);
      throw error;
    }
  }

  private async addUsbSource(source: WebUsbSource, target: ShareTarget, stored: StoredDevice): Promise<void> {
    try {
      const session = await this.start(target);
      session.addUsbDevice(source);
      this.sources.push(source);
      this.sharedDevices = [...this.sharedDevices, usbSourceLabel(source)];
      this.added(stored);
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  private added(device: StoredDevice): void {
    this.storedDevices = [...this.storedDevices, device];
    this.remember();
  }

  /** Writes what a reload needs to resume this share: a hosted one, or one into a receiver's session. */
  private remember(): void {
    const { anyone, permission } = this.access;
    if (this.joinedSession !== undefined) {
      const access = { anyone, permission };
      const { storedDevices: devices, tickets } = this;
      saveStoredJoin({ version: 1, ...this.joinedSession, access, devices, tickets });
    }
    if (this.resumable === undefined) return;
    saveStoredShare({
      ...this.resumable,
      codeBurned: this.invite?.codeBurned ?? false,
      access: { anyone, permission },
      devices: this.storedDevices,
      tickets: this.tickets,
    });
  }

  private async open(target: ShareTarget): Promise<SharerSession> {
    const kit = await connectToServer();
    const stored = target.kind === 'resume' ? target.stored : undefined;
    const secret = stored?.secret ?? createShareSecret();
    const words = stored?.words ?? createCodeWords();
    const auth = target.kind === 'join' ? target.auth : { link: secret, code: words.join('-') };
    const session = new SharerSession({
      ...kit,
      name: this.name(),
      auth,
      pipeline: stored?.pipeline ?? this.pipeline(),
      approval: this.access.anyone ? 'anyone' : 'ask',
      anyonePermission: this.access.permission,
      tickets: this.tickets,
    });
    this.openSession = session;
    session.on('tickets', (tickets) => {
      this.tickets = tickets;
      this.remember();
    });
    session.on('status', (status) => this.updateStatus(status));
    session.on('problem', ({ error }) => {
      if (target.kind === 'join' && error instanceof PeerAuthError && error.code === 'wrong-secret')
        this.refusedSecret(error);
    });
    kit.signaling.on('nameplate-burned', () => {
      if (this.invite) this.invite = { ...this.invite, codeBurned: true };
      this.remember();
      this.host.requestUpdate();
    });
    try {
      await this.enter(session, kit, target, { secret, words, stored });
    } catch (error) {
      session.close(); // nothing was shared yet: just let go of its signaling socket
      if (this.openSession === session) this.openSession = undefined;
      throw error;
    }
    return session;
  }

  /** Hosts, joins or resumes; what receivers are then shown (the invite) and what a reload needs. */
  private async enter(
    session: SharerSession,
    kit: PeerConnectionKit,
    target: ShareTarget,
    keys: { secret: string; words: readonly [string, string]; stored: StoredShare | undefined },
  ): Promise<void> {
    const { secret, words, stored } = keys;
    if (target.kind === 'join') {
      const peers = await session.join(target.by);
      // Only a link's session resumes: a typed code is spent, and the reload would not know its words.
      if ('sessionId' in target.by)
        this.joinedSession = { sessionId: target.by.sessionId, pipeline: this.pipeline() };
      this.waitingReceivers = peers.filter((peer) => peer.role === 'receiver').map((peer) => peer.name);
      this.host.requestUpdate();
      return;
    }
    const hosted = stored
      ? await session.resume({
          sessionId: stored.sessionId,
          peerId: stored.peerId,
          nameplate: stored.codeBurned ? undefined : stored.nameplate,
        })
      : { ...(await session.host()), peerId: kit.signaling.session?.peerId ?? '' };
    const pipeline = stored?.pipeline ?? this.pipeline();
    const invite = (nameplate: string): ShareInvite => ({
      link: buildShareLink(kit.linkOrigin, hosted.sessionId, secret),
      code: buildShortCode(nameplate, words),
      codeBurned: stored?.codeBurned ?? false,
    });
    this.invite = invite(hosted.nameplate);
    this.resumable = { version: 1, ...hosted, secret, words: [...words], pipeline };
    // After an outage the server may have had to draw a new nameplate: the code changes with it.
    kit.signaling.on('resumed', ({ nameplate, peerId }) => {
      const { resumable } = this;
      if (!resumable || (nameplate === resumable.nameplate && peerId === resumable.peerId)) return;
      this.resumable = { ...resumable, nameplate, peerId };
      const codeBurned = this.invite?.codeBurned ?? false;
      if (nameplate !== resumable.nameplate) this.invite = { ...invite(nameplate), codeBurned };
      this.remember();
      this.host.requestUpdate();
    });
    this.remember();
    this.host.requestUpdate();
  }

  private updateStatus(status: SharerStatus): void {
    this.status = status;
    this.host.requestUpdate();
  }
}

/** The product name, and which interfaces Chrome kept back (shared without them). */
function usbSourceLabel(source: WebUsbSource): string {
  const name = source.device.productName || 'Unnamed USB device';
  if (source.blockedInterfaces.length === 0) return name;
  const blocked = source.blockedInterfaces.map(
    (b) => `${b.interfaceNumber} (${PROTECTED_INTERFACE_CLASSES.get(b.interfaceClass) ?? 'protected'})`,
  );
  return `${name} (without interface ${blocked.join(', ')}: Chrome protects it)`;
}
