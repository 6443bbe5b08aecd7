import { NO_PREFERENCE } from '../pipeline/index.ts';
import {
  type DeviceAnnouncement,
  ErrorCode,
  encodeReadmit,
  type Frame,
  type GoneReason,
  type Permission,
  SWAP_CAPABILITY,
  TICKET_CAPABILITY,
  type UsbAnnouncement,
  type UsbFrame,
} from '../protocol/index.ts';
import { CLOSE_CODES, type PeerInfo } from '../protocol/signaling.ts';
import { DeviceCodecs } from './device-codecs.ts';
import { isGoodbye, isLeaving, PAGE_RETURN_MS } from './goodbye.ts';
import { currentIceServers, type IceServerSource } from './ice-servers.ts';
import type { LinkFactory } from './link.ts';
import type { LinkPath } from './link-path.ts';
import { PeerAuthError } from './peer-auth-error.ts';
import { type AuthFailure, type ChannelAuth, PeerChannel } from './peer-channel.ts';
import { canonicalPipeline } from './pipeline-handshake.ts';
import { RateMeter } from './rate-meter.ts';
import { isTransientSignalingError, rejoinBackoff } from './rejoin.ts';
import { RemoteDevice } from './remote-device.ts';
import { type JoinBy as JoinTarget, type SignalingClient, TypedEmitter } from './signaling-client.ts';
import { knowsTickets, readmitProof } from './tickets.ts';
import { RemoteUsbDevice, type RemoteUsbDeviceOptions } from './usb-remote-device.ts';
import { USB_CAPABILITY } from './usb-shares.ts';

/** A device the sharer offers, before this receiver takes it (see ReceiverOptions.admit). */
export type DeviceOffer =
  | { readonly kind: 'hid'; readonly index: number; readonly announcement: DeviceAnnouncement }
  /** The announcement may be a view into a reused message: read it during the call, keep no reference. */
  | { readonly kind: 'usb'; readonly index: number; readonly announcement: UsbAnnouncement };

export interface ReceiverOptions {
  signaling: SignalingClient;
  links: LinkFactory;
  /** Read afresh for each link (TURN credentials expire). */
  iceServers: IceServerSource;
  name: string;
  auth: ChannelAuth;
  requestTimeoutMs?: number;
  /**
   * The pipeline spec this receiver insists on (its link stages must match the sharer's), or '' / absent
   * for no preference: run whatever the sharer runs. A bad spec throws PipelineSpecError.
   */
  pipeline?: string;
  /**
   * Whether this receiver can present generic USB devices (a USB/IP export, a log): it then lists `usb`
   * in its hello, and the sharer may give it a USB device. Default false (a receiver page cannot).
   */
  acceptUsb?: boolean;
  usbDevice?: RemoteUsbDeviceOptions;
  /**
   * When a sharer that had connected goes: 'end' the session (the headless receiver exits), or 'wait' in
   * it for a sharer to come back (the receiver page). Default 'end'. A session with no sharer, or a sharer
   * that goes before connecting, is always waited in: the session outlives its sharer.
   */
  whenSharerLeaves?: 'end' | 'wait';
  /**
   * Screens each offered device before it becomes a RemoteDevice: returns why it is refused, or
   * undefined to take it. A refused device never reaches a listener; the sharer is told (DeviceRefused)
   * and its frames for that device are dropped. Default: take every device.
   */
  admit?: (offer: DeviceOffer) => string | undefined;
}

const STOPPED = 'the sharer stopped sharing';
/** A link that closed in good order without a goodbye: the sharer may come back. */
const linkDownReason = (reason: string): string =>
  reason === 'closed' ? 'the link closed without a goodbye from the sharer' : reason;
const VANISHED = 'the sharer vanished: it left without saying goodbye';
const PAGE_LEFT = `the sharer's page went away (closed, or reloading: kept ${PAGE_RETURN_MS / 1000} s for it to come back)`;

/** What the sharer said before its link went: stopped on purpose, or its page is going away. */
type Goodbye = 'stopped' | 'leaving';
type LinkDown = ReceiverEvents['link-down'];

/** Signals kept while a join awaits its reply (an offer and a burst of candidates fit). */
const MAX_EARLY_SIGNALS = 64;
/** How long a stalled link may stay silent before it counts as lost (giveUpStalledLink). */
const STALL_GIVE_UP_MS = 15_000;
/** How long a link that closed quietly waits for the sharer's goodbye before it counts as lost. */
const QUIET_CLOSE_WAIT_MS = 1000;

/** Why there is nobody to connect to, for 'no-sharer'. */
export const NO_SHARER = {
  absent: 'nobody is sharing in this session right now',
  left: 'the sharer left',
} as const;

/**
 * How a receiver's session ended:
 * - `closed`: normally, after pairing: the sharer stopped sharing, or this end closed;
 * - `lost`: after pairing, the link broke (ICE failed) or the sharer vanished without stopping;
 * - `failed`: it never paired: refused (wrong secret, pipelines differ), or the server went first;
 * - `dismissed`: the sharer turned this receiver away: denied it, or revoked its access (docs/security.md).
 */
export type ReceiverEnd = 'closed' | 'lost' | 'failed' | 'dismissed';

interface ReceiverEvents {
  /** The sharer proved the secret: its approval (`granted`) comes next, then devices. `verification`: the words the sharer's screen shows. */
  connected: { sharerName: string; pipeline: string; verification: string };
  /** The sharer did not prove the secret; kind 'code' is one spent guess at the short code. */
  'auth-failed': { peerId: string } & AuthFailure;
  /** The sharer approved this receiver, or changed what it may do. */
  granted: { permission: Permission };
  device: RemoteDevice;
  'device-gone': RemoteDevice;
  /** A generic USB device this receiver now holds (only with `acceptUsb`). */
  'usb-device': RemoteUsbDevice;
  'usb-device-gone': RemoteUsbDevice;
  /**
   * Nobody is sharing in this session right now (it had no sharer when we joined, or the sharer left);
   * the session waits for one, and 'sharer-joined' follows when one comes (back).
   */
  'no-sharer': { reason: string };
  /**
   * Only with `whenSharerLeaves: 'wait'`: the link to a connected sharer went down and the session now
   * waits for a sharer to come (back). Emitted before that link's devices go ('device-gone'), so a
   * listener can tell a lost link from a device the sharer removed. `kind`: 'closed' when the sharer
   * stopped sharing on purpose (it said goodbye), 'lost' when it vanished or ICE failed. A link judged
   * lost whose sharer's goodbye arrives late (a slow machine: after the quiet-close wait) is followed by a
   * second 'link-down' of kind 'closed', with no link between them. `returnWithinMs`: the sharer's page
   * went away (closed or reloaded): a reload brings it back within that, so keep its devices that long
   * (not the whole grace) and count it a stop when it does not come.
   */
  'link-down': { reason: string; kind: 'closed' | 'lost'; returnWithinMs?: number };
  /**
   * The paired link stalled (`stalled: true`: a sharer that sends heartbeats was silent for about a
   * second, or, with one that sends none, ICE disconnected; nothing arrives, but the link is not down and
   * may deliver a backlog when the network comes back) or answers again (`false`).
   */
  'link-stall': { stalled: boolean };
  /** A sharer is in the session (we joined it, or it joined or came back); its link follows. */
  'sharer-joined': PeerInfo;
  /** `admit` refused an offered device; the sharer has been told. */
  refused: { offer: DeviceOffer; reason: string };
  /**
   * The session is over: the sharer left or closed, the link failed, pairing failed, or the sharer turned
   * this receiver away (`dismissed`: denied or revoked; `reason` says which).
   */
  ended: { reason: string; kind: ReceiverEnd };
  problem: Error;
}

/**
 * The receiving side of a session, shared by the browser receiver view and the headless receiver:
 * it waits for the sharer's link, checks the sharer's proof, and turns announcements into RemoteDevices.
 */
export class ReceiverSession extends TypedEmitter<ReceiverEvents> {
  sessionId = '';
  readonly meter = new RateMeter();
  private channel: PeerChannel | undefined;
  private readonly devices = new Map<number, RemoteDevice>();
  private readonly usbDevices = new Map<number, RemoteUsbDevice>();
  private readonly codecs = new DeviceCodecs();
  private readonly pipeline: string;
  private ended = false;
  private granted: Permission | undefined;
  /**
   * The re-admission ticket the sharer gave with its approval, for this session only and in memory only:
   * proven on the next link to it (READMIT), it lets this receiver back in without asking again.
   */
  private ticket: Uint8Array | undefined;
  /** Only the session's sharer may open a link to us; other receivers' signals are ignored. */
  private sharerId: string | undefined;
  /**
   * Signals that came while a join was awaiting its reply. `ws` emits every message of one socket read in
   * the same tick, so the sharer's offer can be handled before the code after `await join()` has learned
   * who the sharer is; these are replayed then (those from the sharer only).
   */
  private joining: Array<{ from: string; data: Record<string, unknown> }> | undefined;
  /** True when this receiver made the session (receiver first): it holds both secrets and answers hellos. */
  private hosted = false;
  /** Set when the sharer said goodbye (it stops sharing, or its page goes): its leaving is no vanishing. */
  private sharerGoodbye: Goodbye | undefined;
  /** The sharer of a link judged lost, whose goodbye may still come (lateGoodbye); cleared by a new link. */
  private lostSharerId: string | undefined;

  constructor(private readonly options: ReceiverOptions) {
    super();
    this.pipeline = canonicalPipeline(options.pipeline ?? NO_PREFERENCE);
    const { signaling } = options;
    signaling.on('signal', ({ from, data }) => {
      if (from === this.sharerId) this.fromSharer(from, data);
      else if (from === this.lostSharerId && isGoodbye(data) && !isLeaving(data)) this.lateGoodbye();
      else if (this.joining && this.joining.length < MAX_EARLY_SIGNALS) this.joining.push({ from, data });
    });
    signaling.on('peer-joined', (peer) => {
      if (peer.role !== 'sharer' || this.ended) return;
      this.sharerId = peer.peerId;
      this.emit('sharer-joined', peer);
    });
    signaling.on('peer-left', ({ peerId }) => {
      if (peerId === this.sharerId) this.sharerLeft();
    });
    signaling.on('close', ({ code }) => {
      // Before create or join, a socket that closes is a failed connect(), which its caller reports.
      if (!this.sessionId || this.channel?.ready) return;
      // The session's creator refused our code proof and had the server drop us (it may beat its own
      // refusal over the link): say what happened rather than that signaling closed.
      if (code === CLOSE_CODES.codeFailed)
        this.end(new PeerAuthError('wrong-secret', 'code').message, 'failed');
      else this.end('signaling closed before the sharer connected', 'failed');
    });
  }

  /** Receiver first: creates the session a sharer will join. */
  async host(): Promise<{ sessionId: string; nameplate: string }> {
    const created = await this.options.signaling.create('receiver', this.options.name);
    this.sessionId = created.sessionId;
    this.hosted = true;
    return { sessionId: created.sessionId, nameplate: created.nameplate };
  }

  /**
   * Sharer first: joins the sharer's session; the sharer then calls us. Emits 'sharer-joined' or, when
   * the session has no sharer, 'no-sharer' before it resolves.
   */
  join(target: { sessionId: string } | { nameplate: string }): Promise<PeerInfo | undefined> {
    return this.enter(target, NO_SHARER.absent);
  }

  private async enter(target: JoinTarget, noSharerReason: string): Promise<PeerInfo | undefined> {
    this.joining = [];
    try {
      const joined = await this.options.signaling.join(target, 'receiver', this.options.name);
      this.sessionId = joined.sessionId;
      const sharer = joined.peers.find((peer) => peer.role === 'sharer');
      this.sharerId = sharer?.peerId;
      if (sharer) this.emit('sharer-joined', sharer);
      else this.emit('no-sharer', { reason: noSharerReason });
      for (const early of this.joining)
        if (early.from === this.sharerId) this.fromSharer(early.from, early.data);
      return sharer;
    } finally {
      this.joining = undefined;
    }
  }

  private fromSharer(from: string, data: Record<string, unknown>): void {
    if (isGoodbye(data)) this.heardGoodbye(isLeaving(data) ? 'leaving' : 'stopped');
    else this.linkFor(from).link.signal(data);
  }

  /** A stop outranks a page going away: both goodbyes may come, in either order. */
  private heardGoodbye(goodbye: Goodbye): void {
    if (this.sharerGoodbye !== 'stopped') this.sharerGoodbye = goodbye;
  }

  /** How the link went, from the goodbye heard (which it uses up); `lost` says why when there was none. */
  private takeGoodbye(lost: string): LinkDown {
    const goodbye = this.sharerGoodbye;
    this.sharerGoodbye = undefined;
    if (goodbye === 'stopped') return { reason: STOPPED, kind: 'closed' };
    if (goodbye === 'leaving') return { reason: PAGE_LEFT, kind: 'lost', returnWithinMs: PAGE_RETURN_MS };
    return { reason: lost, kind: 'lost' };
  }

  get connected(): boolean {
    return this.channel?.ready ?? false;
  }

  /** What the sharer approved this receiver for; undefined while it waits for approval. */
  get permission(): Permission | undefined {
    return this.granted;
  }

  /** The verification string of the link to the sharer (PeerChannel.verification), once authenticated. */
  get verification(): string | undefined {
    return this.channel?.verification;
  }

  /** Input reports the pipeline's `seq` stage declared lost on this link. */
  get lost(): number {
    return this.channel?.pipeline?.stats.lost ?? 0;
  }

  /** Input reports this end's unreliable channel dropped instead of queuing past 64 KiB. */
  get droppedAtSender(): number {
    return this.channel?.link.droppedAtSender ?? 0;
  }

  /** The network path to the sharer (direct or relayed, RTT), once connected. */
  async path(): Promise<LinkPath | undefined> {
    return this.channel?.ready ? this.channel.link.path?.() : undefined;
  }

  close(reason = 'closed'): void {
    this.end(reason, this.channel?.ready ? 'closed' : 'failed');
    this.options.signaling.close();
  }

  /** What the end of a channel means for the session. */
  private channelEnded(channel: PeerChannel, reason: string): void {
    // A session that ended closes its channel itself: that is no news (and no link-down).
    if (this.channel !== channel || this.ended) return;
    if (!channel.ready) {
      // A waiting receiver turns away a sharer with a wrong code (or link) and goes on waiting.
      if (this.hosted && turnedAway(channel)) this.dropLink(reason);
      else this.end(reason, 'failed');
    } else if (this.options.whenSharerLeaves === 'wait') {
      // A quiet close may be a stop whose goodbyes are still on their way: the signaling one goes through
      // the server and can lose its race with the link's close. Give it a moment before judging.
      if (!this.sharerGoodbye && channel.endedAs === 'closed')
        setTimeout(() => this.linkWentDown(channel, reason), QUIET_CLOSE_WAIT_MS);
      else this.linkWentDown(channel, reason);
    } else if (channel.endedAs === 'lost') this.end(reason, 'lost');
    else this.end(reason === 'closed' ? 'the sharer stopped sharing' : reason, 'closed');
  }

  /**
   * A connected link is down: a stop if the sharer said goodbye, a loss otherwise (SCTP also closes a
   * channel in good order when it gives up retransmitting through a long outage, before ICE calls the
   * link failed). Either way the session is rejoined, for the sharer to call again if it is there.
   */
  private linkWentDown(channel: PeerChannel, reason: string): void {
    if (this.channel !== channel || this.ended) return; // the sharer left or called again meanwhile
    const heard = this.sharerGoodbye !== undefined;
    const down = this.takeGoodbye(linkDownReason(reason));
    if (!heard) this.lostSharerId = channel.peerId;
    this.emit('link-down', down);
    void this.meetAgain(reason);
  }

  private linkFor(peerId: string): PeerChannel {
    // A channel that ended and waits to be judged (linkWentDown) is not reused by a new call.
    if (this.channel && this.channel.peerId === peerId && !this.channel.endedAs) return this.channel;
    // One sharer per session: a signal from a new sharer id means the old one left and another joined.
    const old = this.channel;
    if (old?.ready && this.options.whenSharerLeaves === 'wait') this.replaceLink(old);
    else if (!old?.endedAs) old?.close('replaced');
    this.lostSharerId = undefined;
    const link = this.options.links({
      initiator: false,
      iceServers: currentIceServers(this.options.iceServers),
    });
    link.onSignal((data) => this.options.signaling.signal(peerId, data as Record<string, unknown>));
    const channel = new PeerChannel(peerId, link, {
      role: 'receiver',
      name: this.options.name,
      sessionId: this.sessionId,
      auth: this.options.auth,
      speaksFirst: !this.hosted,
      capabilities: this.options.acceptUsb
        ? ['hid', USB_CAPABILITY, SWAP_CAPABILITY, TICKET_CAPABILITY]
        : ['hid', SWAP_CAPABILITY, TICKET_CAPABILITY],
      pipeline: this.pipeline,
      codecFor: this.codecs.codecFor,
    });
    channel.on('ready', (hello) => {
      this.presentTicket(channel);
      this.emit('connected', {
        sharerName: hello.name,
        pipeline: channel.agreedPipeline ?? '',
        verification: channel.verification ?? '',
      });
    });
    channel.on('frame', (frame) => this.handleFrame(frame));
    channel.on('problem', (error) => this.emit('problem', error));
    channel.on('auth-failed', (failure) => {
      // A failed code attempt burns the nameplate: the server ignores this unless we made the session.
      if (failure.kind === 'code') this.options.signaling.reportFailedCode(peerId);
      this.emit('auth-failed', { peerId, ...failure });
    });
    channel.on('closed', (reason) => this.channelEnded(channel, reason));
    // With a sharer that sends heartbeats, its silence decides: ICE can stay 'disconnected' for seconds
    // after data flows again, which would hide the next outage's stall. Without them, ICE decides.
    let iceStalled = false;
    let reported = false;
    let givingUp: ReturnType<typeof setTimeout> | undefined;
    const judge = () => {
      const stalled = channel.hearsHeartbeats ? channel.stalled : iceStalled;
      if (stalled === reported || this.channel !== channel || !channel.ready) return;
      reported = stalled;
      clearTimeout(givingUp);
      if (stalled) givingUp = setTimeout(() => this.giveUpStalledLink(channel), STALL_GIVE_UP_MS);
      this.emit('link-stall', { stalled });
    };
    channel.on('closed', () => clearTimeout(givingUp));
    link.onStall?.((stalled) => {
      iceStalled = stalled;
      judge();
    });
    channel.on('stall', judge);
    this.channel = channel;
    return channel;
  }

  /**
   * Right after the hellos (the sharer proved the secret on this link), a sharer that knows tickets hears
   * whether we hold one: the proof of it, bound to this link, or a READMIT without one.
   */
  private presentTicket(channel: PeerChannel): void {
    if (!knowsTickets(channel)) return;
    const { ticket } = this;
    const proof = ticket && readmitProof(ticket, this.sessionId, channel.link.fingerprints());
    channel.send(encodeReadmit(proof));
  }

  /**
   * A link silent for STALL_GIVE_UP_MS is taken for lost, as ICE would have called it by then: ICE in
   * a guest behind NAT was seen to stay 'disconnected' for minutes. Losing it rejoins the session for a
   * fresh link (or ends the session, for a receiver that does not wait).
   */
  private giveUpStalledLink(channel: PeerChannel): void {
    if (this.channel !== channel || this.ended) return;
    this.lostSharerId = channel.peerId;
    const reason = `no word from the sharer in ${STALL_GIVE_UP_MS / 1000} s (the link stalled)`;
    if (this.options.whenSharerLeaves !== 'wait') {
      this.end(reason, 'lost');
      return;
    }
    this.sharerGoodbye = undefined;
    this.emit('link-down', { reason, kind: 'lost' });
    void this.meetAgain(reason);
  }

  /**
   * The sharer left the session: end, or wait in the session for one to come (back). A paired sharer
   * that stops sharing says goodbye first; one that did not vanished (killed, or its network went away).
   */
  private sharerLeft(): void {
    this.sharerId = undefined;
    const channel = this.channel;
    if (channel?.ready && channel.endedAs === undefined && this.sharerGoodbye === undefined) {
      // Its goodbye on the link (an ERROR frame sent just before it closed its socket) may still be on
      // its way: the server's 'peer-left' can beat the link. The link's close, or a moment, settles it.
      setTimeout(() => {
        if (this.channel === channel && channel.endedAs === undefined) this.judgeSharerLeft();
      }, QUIET_CLOSE_WAIT_MS);
      return;
    }
    this.judgeSharerLeft();
  }

  private judgeSharerLeft(): void {
    const saidGoodbye = this.sharerGoodbye !== undefined;
    const down = this.takeGoodbye(VANISHED);
    if (this.ended) return;
    const wasConnected = this.channel?.ready ?? false;
    if (wasConnected && this.options.whenSharerLeaves !== 'wait') {
      // A receiver that does not wait has no use for a page that may come back: either goodbye is a stop.
      if (saidGoodbye) this.end(STOPPED, 'closed');
      else this.end(VANISHED, 'lost');
      return;
    }
    if (wasConnected) {
      this.emit('link-down', down);
      if (this.ended) return; // a listener ended the session on it
    }
    this.dropLink(NO_SHARER.left);
    this.emit('no-sharer', { reason: NO_SHARER.left });
  }

  /**
   * A connected link closed, and the sharer's 'peer-left' may or may not follow (its tab closing sends
   * both, in either order). Rejoining the session settles it: a sharer still there calls us again (it
   * sees a new receiver), and a session without one says so.
   */
  private async meetAgain(reason: string): Promise<void> {
    if (this.ended) return;
    this.dropLink(reason);
    this.sharerId = undefined;
    this.options.signaling.leave();
    const backoff = rejoinBackoff();
    while (!this.ended) {
      try {
        await this.enter({ sessionId: this.sessionId }, NO_SHARER.left);
        return;
      } catch (error) {
        // The link and the signaling socket often die together (one network): the rejoin then waits for
        // the socket to come back and tries again, for as long as the session's owner keeps it open.
        if (this.ended) return;
        if (!isTransientSignalingError(error)) {
          this.end(`lost the sharer (${reason}) and could not rejoin: ${(error as Error).message}`, 'lost');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, backoff.next()));
      }
    }
  }

  /**
   * The sharer of a link judged lost said goodbye after all: its tab closed, and on a slow machine the
   * goodbye came after the quiet-close wait (and after this end left the session to rejoin it). The
   * devices kept for its return go, as for a stop; a link made since then has settled it already.
   */
  private lateGoodbye(): void {
    this.lostSharerId = undefined;
    if (this.ended || this.channel) return;
    this.emit('link-down', { reason: STOPPED, kind: 'closed' });
  }

  /**
   * A call that comes before the connected link it replaces was judged down: a reloaded page can be back
   * within the quiet-close wait, or before this end saw its old link close. That link is down now, said
   * first, so that its devices are kept for the new link to resume rather than removed by its announcements.
   */
  private replaceLink(old: PeerChannel): void {
    this.emit('link-down', this.takeGoodbye(linkDownReason(old.endedAs ? 'closed' : 'replaced')));
    this.dropLink('replaced');
  }

  /** Forgets the sharer's link and everything it carried, staying in the session. */
  private dropLink(reason: string): void {
    for (const index of [...this.devices.keys(), ...this.usbDevices.keys()]) this.removeDevice(index);
    const channel = this.channel;
    this.channel = undefined;
    channel?.close(reason);
  }

  private handleFrame(frame: Frame): void {
    switch (frame.type) {
      case 'input': {
        // Unknown (e.g. refused) devices' reports are dropped uncounted.
        const device = this.devices.get(frame.device);
        if (!device) break;
        this.meter.add(frame.data.length);
        device.deliverInput(frame.reportId, frame.data, frame.timestampMs);
        break;
      }
      case 'reply':
        this.devices.get(frame.device)?.deliverReply(frame.requestId, frame.status, frame.data);
        break;
      case 'announce':
        this.announce(frame.device, frame);
        break;
      case 'device-gone':
        this.removeDevice(frame.device, frame.reason);
        break;
      case 'grant':
        this.granted = frame.permission;
        if (frame.ticket) this.ticket = frame.ticket.slice();
        this.emit('granted', { permission: frame.permission });
        break;
      case 'error':
        if (frame.code === ErrorCode.Stopped) this.heardGoodbye('stopped');
        else if (frame.code === ErrorCode.Leaving) this.heardGoodbye('leaving');
        else if (frame.code === ErrorCode.Denied || frame.code === ErrorCode.Revoked)
          this.end(frame.message, 'dismissed');
        else this.emit('problem', new Error(`sharer: ${frame.message}`));
        break;
      case 'usb':
        this.handleUsb(frame);
        break;
      default:
        break;
    }
  }

  private announce(index: number, frame: Extract<Frame, { type: 'announce' }>): void {
    this.removeDevice(index);
    // Set even for a refused device, so the pipeline's stages see the same devices as the sharer's.
    this.codecs.set(index, frame.body.collections);
    if (this.refuses({ kind: 'hid', index, announcement: frame.body })) return;
    const channel = this.channel;
    const device = new RemoteDevice(
      index,
      frame.body,
      (bytes) => channel?.send(bytes),
      this.options.requestTimeoutMs,
    );
    this.devices.set(index, device);
    this.emit('device', device);
  }

  private handleUsb(frame: UsbFrame): void {
    const { message } = frame;
    if (message.kind === 'announce') this.announceUsb(frame.device, message);
    else if (message.kind === 'completion' || message.kind === 'iso-completion')
      this.usbDevices.get(frame.device)?.deliver(message, this.channel?.framesOwned === true);
    else this.channel?.rejectUnexpected(`a USB ${message.kind} request is for the sharer, not a receiver`);
  }

  private announceUsb(index: number, announcement: Extract<UsbFrame['message'], { kind: 'announce' }>): void {
    this.removeDevice(index);
    if (this.refuses({ kind: 'usb', index, announcement })) return;
    const channel = this.channel;
    const send = (bytes: Uint8Array) => channel?.send(bytes);
    const device = new RemoteUsbDevice(index, announcement, send, this.options.usbDevice);
    this.usbDevices.set(index, device);
    this.emit('usb-device', device);
  }

  /** True when `admit` refuses the offer; the sharer then hears why, and the device stays unknown here. */
  private refuses(offer: DeviceOffer): boolean {
    const reason = this.options.admit?.(offer);
    if (reason === undefined) return false;
    this.channel?.sendError(ErrorCode.DeviceRefused, reason, offer.index);
    this.emit('refused', { offer, reason });
    return true;
  }

  /** `swapped`: the sharer replaced it; its close listeners can tell (goneReason) and wait for the new one. */
  private removeDevice(index: number, reason?: GoneReason): void {
    this.removeUsbDevice(index, reason);
    this.codecs.delete(index);
    const device = this.devices.get(index);
    if (!device) return;
    this.devices.delete(index);
    device.close(reason);
    this.emit('device-gone', device);
  }

  private removeUsbDevice(index: number, reason?: GoneReason): void {
    const device = this.usbDevices.get(index);
    if (!device) return;
    this.usbDevices.delete(index);
    device.close(reason);
    this.emit('usb-device-gone', device);
  }

  private end(reason: string, kind: ReceiverEnd): void {
    if (this.ended) return;
    this.ended = true;
    for (const index of [...this.devices.keys(), ...this.usbDevices.keys()]) this.removeDevice(index);
    this.channel?.close(reason);
    this.emit('ended', { reason, kind });
  }
}

/** True when this end refused the peer's proof: a wrong link or code on the other side. */
function turnedAway(channel: PeerChannel): boolean {
  const error = channel.refusalError;
  return error instanceof PeerAuthError && error.code === 'bad-proof';
}
