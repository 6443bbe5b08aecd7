import type { HidSource } from '../devices/index.ts';
import { DEFAULT_PIPELINE } from '../pipeline/index.ts';
import {
  type DeviceAnnouncement,
  ErrorCode,
  encodeAnnounce,
  encodeGrant,
  encodeInputReport,
  encodeReply,
  encodeUsbCompletion,
  type Frame,
  type GoneReason,
  ReplyStatus,
  TICKET_CAPABILITY,
  type UsbFrame,
} from '../protocol/index.ts';
import type { PeerInfo, SignalData } from '../protocol/signaling.ts';
import { Admissions, type Approval } from './admissions.ts';
import { DeviceCodecs } from './device-codecs.ts';
import { deviceGoneFrame } from './device-gone.ts';
import { GOODBYE_SIGNAL, LEAVING_SIGNAL } from './goodbye.ts';
import { currentIceServers, type IceServerSource } from './ice-servers.ts';
import type { LinkFactory, LinkState } from './link.ts';
import type { LinkPath } from './link-path.ts';
import { PeerAuthError } from './peer-auth-error.ts';
import { type AuthFailure, type ChannelAuth, PeerChannel } from './peer-channel.ts';
import { hidRequestNeeds, type Permission, usbRequestNeeds } from './permissions.ts';
import { canonicalPipeline } from './pipeline-handshake.ts';
import { RateMeter } from './rate-meter.ts';
import { type SignalingClient, SignalingError, TypedEmitter } from './signaling-client.ts';
import { knowsTickets, SharerTickets, type TicketRecord } from './tickets.ts';
import { SharedUsbDevices, type SharedUsbSource, USB_CAPABILITY, type UsbShareStatus } from './usb-shares.ts';

export interface PeerStatus {
  peerId: string;
  name: string;
  /** `waiting`: it proved the secret and waits for the sharer's approval; `open`: approved. */
  state: LinkState | 'verifying' | 'waiting';
  /** The pipeline agreed with this receiver (canonical), once the hellos agree. */
  pipeline: string | undefined;
  /** What it was approved for; undefined until then. */
  permission: Permission | undefined;
  /** The words this receiver's screen shows too, once it is authenticated (PeerChannel.verification). */
  verification: string | undefined;
  /** Devices this receiver's policy refused, with its reason; it gets nothing of them. */
  refused: RefusedDevice[];
  /** The network path to this receiver (direct or relayed, RTT), read about every second once open. */
  path: LinkPath | undefined;
  /** Since when its working link has been down and being made again (Date.now()); undefined while up. */
  downSince?: number | undefined;
  /** How often its authenticated link dropped while it stayed in the session (0 when absent). */
  outages?: number;
}

export interface RefusedDevice {
  device: number;
  productName: string;
  /** The receiver's words (e.g. "denied by --deny 046a:*"): shown, never interpreted. */
  reason: string;
}

export type { Approval };

export interface SharerStatus {
  peers: PeerStatus[];
  reportsPerSecond: number;
  bytesPerSecond: number;
  reportsSent: number;
  /** Input reports the unreliable channels dropped here instead of queuing past 64 KiB (open links only). */
  droppedAtSender: number;
  lastError: string | undefined;
  /** Shared generic USB devices and the one receiver holding each (docs/webusb.md). */
  usbDevices: UsbShareStatus[];
  /** The line to the signaling server: up, or down and being retried (with `reconnect`). */
  signaling: SignalingStatus;
}

export interface SignalingStatus {
  state: 'connected' | 'reconnecting' | 'closed';
  /** When the current outage began (Date.now()), while reconnecting. */
  downSince: number | undefined;
  /** Outages of this session so far (each drop of the socket that was retried). */
  outages: number;
}

/** A session this sharer was in before (a reloaded page keeps it): where to return, and as whom. */
export interface ResumeTarget {
  sessionId: string;
  /** The peer id it had, taken again when free: receivers then see the same sharer come back. */
  peerId: string;
  /** The nameplate it had, kept if the session must be created again and it is free. */
  nameplate?: string | undefined;
  /** True when it had joined a waiting receiver's session (receiver first): it then speaks first. */
  joined?: boolean;
}

export interface SharerOptions {
  signaling: SignalingClient;
  links: LinkFactory;
  /** Read afresh for each receiver's link (a page's TURN credentials are renewed while it shares). */
  iceServers: IceServerSource;
  name: string;
  auth: ChannelAuth;
  capabilities?: string[];
  /**
   * The pipeline spec (docs/pipeline.md) run with every receiver; authoritative for device stages, and
   * receivers must match its link stages. Default DEFAULT_PIPELINE. A bad spec throws PipelineSpecError.
   */
  pipeline?: string;
  /** Default `ask` (docs/security.md). */
  approval?: Approval;
  /** What receivers approved without asking (`anyone`) get. Default `full`. */
  anyonePermission?: Permission;
  /**
   * Re-admission tickets this sharer gave before (a reloaded page keeps them, with the session): their
   * receivers come back in without asking (docs/security.md, "Re-admission tickets").
   */
  tickets?: readonly TicketRecord[];
}

/** What a receiver is told when the sharer turns it away (the receiver prints it and exits). */
export const DENIED_REASON = 'the sharer did not approve this receiver';
export const REVOKED_REASON = "the sharer revoked this receiver's access";

interface SharerEvents {
  status: SharerStatus;
  /** A receiver that passed authentication and waits for approval (`ask`). */
  waiting: PeerStatus;
  /** A receiver that was approved: devices now go to it. */
  receiver: PeerStatus;
  /** Something went wrong with one receiver (typed: PipelineMismatchError, PipelineError, FrameError …). */
  problem: { peerId: string; error: Error };
  /** A receiver failed to prove the secret; kind 'code' is one spent guess at the short code. */
  'auth-failed': { peerId: string } & AuthFailure;
  /** The re-admission tickets changed (one given, or forgotten): what a reload must remember. */
  tickets: TicketRecord[];
}

/**
 * The sharer's side of a session: one peer channel per receiver, every shared device announced to each
 * approved receiver, input reports fanned out, and the requests that receiver's grant covers carried to
 * the device (the others answered with a refusal at once).
 */
export class SharerSession extends TypedEmitter<SharerEvents> {
  private sessionId = '';
  private readonly channels = new Map<string, PeerChannel>();
  private readonly names = new Map<string, string>();
  private readonly admissions: Admissions;
  private readonly tickets: SharerTickets;
  /** Authenticated receivers that know tickets, whose READMIT (ticket or none) decides if we ask. */
  private readonly awaitingReadmit = new Set<string>();
  /** The links whose one READMIT came already. */
  private readonly readmits = new WeakSet<PeerChannel>();
  private readonly devices = new Map<number, HidSource>();
  private readonly unsubscribers = new Map<number, Array<() => void>>();
  private readonly codecs = new DeviceCodecs();
  /** Per receiver (peer id): the devices its policy refused. */
  private readonly refusals = new Map<string, RefusedDevice[]>();
  /** Per receiver: the path its link last reported. */
  private readonly paths = new Map<string, LinkPath>();
  private readonly usb = new SharedUsbDevices(
    () => this.readyChannels(),
    () => this.publishStatus(),
  );
  private readonly pipeline: string;
  private readonly meter = new RateMeter();
  private readonly scratch = new Uint8Array(16 * 1024 + 64);
  private lastError: string | undefined;
  private statusTimer: ReturnType<typeof setInterval> | undefined;
  private nextDevice = 0;
  /** True when this sharer joined a waiting receiver's session: it then speaks first in each hello. */
  private joined = false;
  /** The session's members as signaling tells them, so that a link that drops can be made again. */
  private readonly members = new Map<string, PeerInfo>();
  /** Receivers whose authenticated link dropped while they stayed: since when, and how often. */
  private readonly linkOutages = new Map<string, { downSince: number | undefined; outages: number }>();
  private signalingStatus: SignalingStatus = { state: 'connected', downSince: undefined, outages: 0 };
  private closing = false;
  /** When signaling last came back after an outage (Date.now()); 0 before any. */
  private resumedAt = 0;
  /**
   * Receivers whose authenticated link ended (ICE gave up, or the receiver let go because the server told
   * it we left) while they stayed in the session: our socket may be as dead as the link, or the server
   * dropped it, and such a receiver waits for our call. When our signaling resumes, those still in the
   * session are called; one that left the session meanwhile is forgotten on its 'peer-left'.
   */
  private readonly lostLinks = new Set<string>();

  constructor(private readonly options: SharerOptions) {
    super();
    this.pipeline = canonicalPipeline(options.pipeline ?? DEFAULT_PIPELINE);
    this.admissions = new Admissions(options.approval, options.anyonePermission);
    this.tickets = new SharerTickets(options.tickets);
    const { signaling } = options;
    signaling.on('peer-joined', (peer) => {
      this.members.set(peer.peerId, peer);
      this.connectTo(peer);
    });
    signaling.on('peer-left', ({ peerId }) => {
      this.members.delete(peerId);
      this.linkOutages.delete(peerId);
      this.lostLinks.delete(peerId);
      this.channels.get(peerId)?.close('left the session');
    });
    signaling.on('signal', ({ from, data }) => this.channels.get(from)?.link.signal(data));
    signaling.on('error', (error) => this.fail(error.message));
    signaling.on('reconnecting', ({ downSince, outages }) => {
      this.signalingStatus = { state: 'reconnecting', downSince, outages };
      this.publishStatus();
    });
    signaling.on('resumed', (resumed) => {
      this.resumedAt = Date.now();
      this.signalingStatus = { ...this.signalingStatus, state: 'connected', downSince: undefined };
      for (const peer of resumed.peers) this.members.set(peer.peerId, peer);
      this.callLostLinks(resumed.peers);
      this.publishStatus();
    });
    signaling.on('close', () => {
      this.signalingStatus = { ...this.signalingStatus, state: 'closed', downSince: undefined };
      this.publishStatus();
    });
  }

  /** Sharer first: creates a session. Returns its id and nameplate. */
  async host(): Promise<{ sessionId: string; nameplate: string }> {
    const created = await this.options.signaling.create('sharer', this.options.name);
    this.sessionId = created.sessionId;
    this.startStatus();
    return { sessionId: created.sessionId, nameplate: created.nameplate };
  }

  /** Receiver first: joins the session a receiver created and connects to the receivers there. */
  async join(target: { sessionId: string } | { nameplate: string }): Promise<PeerInfo[]> {
    const joined = await this.options.signaling.join(target, 'sharer', this.options.name);
    this.sessionId = joined.sessionId;
    this.joined = true;
    this.startStatus();
    this.connectToAll(joined.peers);
    return joined.peers;
  }

  /**
   * Returns to a session this sharer was in (a reloaded page): joins it again, or creates it again under
   * its id if the server no longer has it, and connects to the receivers waiting there. It keeps its
   * part in each hello (the maker answers, a joiner speaks first), so receivers prove the same secret.
   */
  async resume(target: ResumeTarget): Promise<{ sessionId: string; nameplate: string; peerId: string }> {
    const { sessionId, peerId, nameplate } = target;
    const resumed = await this.options.signaling.resume({
      sessionId,
      peerId,
      nameplate,
      role: 'sharer',
      name: this.options.name,
    });
    this.sessionId = resumed.sessionId;
    this.joined = target.joined ?? false;
    this.startStatus();
    this.connectToAll(resumed.peers);
    return { sessionId: resumed.sessionId, nameplate: resumed.nameplate, peerId: resumed.peerId };
  }

  private connectToAll(peers: PeerInfo[]): void {
    for (const peer of peers) {
      this.members.set(peer.peerId, peer);
      this.connectTo(peer);
    }
  }

  /** Shares a device with every receiver, now and later. Returns its channel number. */
  addDevice(source: HidSource): number {
    const index = this.nextDevice++;
    this.devices.set(index, source);
    this.codecs.set(index, source.collections);
    const stopInput = source.onInput((reportId, data, timestampMs) => {
      this.forwardInput(index, reportId, data, timestampMs);
    });
    const stopDisconnect = source.onDisconnect(() => this.removeDevice(index));
    this.unsubscribers.set(index, [stopInput, stopDisconnect]);
    for (const channel of this.readyChannels()) channel.send(encodeAnnounce(index, announcementOf(source)));
    return index;
  }

  /**
   * Shares a generic USB device (a WebUsbSource) with ONE receiver at a time: the first that can present
   * USB devices, then the next when it leaves. Returns its channel number.
   */
  addUsbDevice(source: SharedUsbSource): number {
    const index = this.nextDevice++;
    this.usb.add(index, source);
    return index;
  }

  /** From now on: ask for each new receiver, or approve it at once with `permission`. */
  setApproval(approval: Approval, permission?: Permission): void {
    this.admissions.set(approval, permission);
  }

  /**
   * Approves a waiting receiver with `permission`, or changes an approved one's; the receiver is told
   * (GRANT, with its re-admission ticket). False when `peerId` is no authenticated receiver.
   */
  grant(peerId: string, permission: Permission): boolean {
    return this.admit(peerId, permission, 'ticket');
  }

  /**
   * `ticket`: the GRANT carries the receiver's re-admission ticket. 'anyone' lets receivers in without
   * one: it admits them again anyway, and a ticket per link would pile up (a sharer that switches to
   * `ask` later asks about them, as about any receiver it never approved).
   */
  private admit(peerId: string, permission: Permission, ticket: 'ticket' | 'none'): boolean {
    const channel = this.channels.get(peerId);
    if (!channel?.ready) return false;
    this.awaitingReadmit.delete(peerId);
    const first = this.admissions.grant(peerId, permission);
    const given = ticket === 'ticket' ? this.ticketFor(channel, permission) : undefined;
    channel.send(encodeGrant(permission, given));
    if (first) this.welcome(channel);
    else this.publishStatus();
    return true;
  }

  /** The ticket that goes with a GRANT, for a receiver that knows tickets (others get the short GRANT). */
  private ticketFor(channel: PeerChannel, permission: Permission): Uint8Array | undefined {
    if (!knowsTickets(channel)) return undefined;
    const ticket = this.tickets.issue(channel.peerId, permission);
    this.emit('tickets', this.tickets.records());
    return ticket;
  }

  /**
   * A receiver that knows tickets said whether it holds one: a ticket this sharer gave (proven on this
   * link) lets it in at once with its remembered permission; none, or one we do not know, and we ask.
   */
  private readmit(channel: PeerChannel, proof: Uint8Array | undefined): void {
    const { peerId } = channel;
    if (this.readmits.has(channel)) {
      channel.rejectUnexpected('a second READMIT on one link');
      return;
    }
    this.readmits.add(channel);
    // Whatever lets it in, a ticket it proves is now its own: a revoke forgets it.
    const fingerprints = channel.link.fingerprints();
    const permission =
      proof === undefined ? undefined : this.tickets.admit(peerId, proof, this.sessionId, fingerprints);
    // Only while we wait for it: 'anyone' let it in already.
    if (!this.awaitingReadmit.delete(peerId)) return;
    if (permission) {
      this.grant(peerId, permission);
      return;
    }
    this.ask(channel);
  }

  /**
   * Turns a receiver away at once: from this call on it gets nothing and nothing it sends is performed;
   * it is told why (denied before approval, revoked after) and its link closes right after.
   */
  revoke(peerId: string): void {
    const channel = this.channels.get(peerId);
    if (!channel) return;
    const approved = this.admissions.remove(peerId);
    this.tickets.forget(peerId);
    this.awaitingReadmit.delete(peerId);
    this.emit('tickets', this.tickets.records());
    this.channels.delete(peerId);
    this.refusals.delete(peerId);
    this.usb.peerClosed(channel);
    channel.dismiss(
      approved ? ErrorCode.Revoked : ErrorCode.Denied,
      approved ? REVOKED_REASON : DENIED_REASON,
    );
    this.publishStatus();
  }

  /**
   * Swaps a shared device for `next` (the person plugged in another, or picked one to replace it):
   * receivers are told the old one went `swapped`, and `next` is announced right after. A receiver
   * that finds `next` equivalent (docs/receiver.md, "Swapping a device") carries on with it, without an
   * unplug; otherwise it is a removal and a new device. Returns `next`'s channel number.
   */
  replaceDevice(index: number, next: HidSource): number {
    this.removeDevice(index, 'swapped');
    return this.addDevice(next);
  }

  /** The same for a generic USB device: it goes to the first receiver that can take it, as a new one would. */
  replaceUsbDevice(index: number, next: SharedUsbSource): number {
    this.usb.remove(index, 'swapped');
    return this.addUsbDevice(next);
  }

  removeDevice(index: number, reason: GoneReason = 'removed'): void {
    if (this.usb.remove(index, reason) || !this.devices.delete(index)) return;
    for (const stop of this.unsubscribers.get(index) ?? []) stop();
    this.unsubscribers.delete(index);
    for (const channel of this.readyChannels()) channel.send(deviceGoneFrame(channel, index, reason));
    this.codecs.delete(index);
    for (const [peerId, refused] of this.refusals)
      this.refusals.set(
        peerId,
        refused.filter((entry) => entry.device !== index),
      );
  }

  status(): SharerStatus {
    return {
      peers: [...this.channels.values()].map((channel) => this.peerStatus(channel)).concat(this.relinking()),
      reportsPerSecond: this.meter.reportsPerSecond,
      bytesPerSecond: this.meter.bytesPerSecond,
      reportsSent: this.meter.reports,
      droppedAtSender: this.droppedAtSender(),
      lastError: this.lastError,
      usbDevices: this.usb.status(),
      signaling: this.signalingStatus,
    };
  }

  /** Receivers between a dropped link and the next one (no channel yet): shown as connecting again. */
  private relinking(): PeerStatus[] {
    const peers: PeerStatus[] = [];
    for (const [peerId, { downSince, outages }] of this.linkOutages) {
      const peer = this.members.get(peerId);
      if (downSince === undefined || peer === undefined || this.channels.has(peerId)) continue;
      peers.push({
        peerId,
        name: peer.name,
        state: 'connecting',
        pipeline: undefined,
        permission: undefined,
        verification: undefined,
        refused: [],
        path: undefined,
        downSince,
        outages,
      });
    }
    return peers;
  }

  /** Bytes still queued in the approved receivers' data channels (a sharer about to stop waits for 0). */
  queuedBytes(): number {
    let queued = 0;
    for (const channel of this.readyChannels()) queued += channel.link.bufferedAmount;
    return queued;
  }

  private droppedAtSender(): number {
    let dropped = 0;
    for (const channel of this.channels.values()) dropped += channel.link.droppedAtSender ?? 0;
    return dropped;
  }

  /**
   * Stops sharing: receivers are told it is on purpose (a goodbye), so that theirs is a normal end.
   * `leaving`: the page is going away (closed or reloaded, which it cannot tell apart). Its devices stay
   * shared (no DEVICE_GONE) and the goodbye says so, so that receivers keep them for a reload to bring
   * back (PAGE_RETURN_MS), and count it a stop when none does.
   */
  close(options: { leaving?: boolean } = {}): void {
    this.closing = true;
    clearInterval(this.statusTimer);
    if (!options.leaving)
      for (const index of [...this.devices.keys(), ...this.usb.indexes()]) this.removeDevice(index);
    const goodbye = options.leaving ? LEAVING : STOPPED;
    for (const channel of this.channels.values()) {
      this.sayGoodbye(channel.peerId, goodbye.signal);
      this.sayOnLink(channel, goodbye);
      channel.close('sharer closed');
    }
    this.options.signaling.close();
  }

  /** The goodbye on the link itself (an ERROR frame): it cannot lose a race with the link's close. */
  private sayOnLink(channel: PeerChannel, goodbye: Goodbye): void {
    if (!channel.ready) return;
    try {
      channel.sendError(goodbye.code, goodbye.message);
    } catch {
      // The link is closing under us already: the receiver sees it go, and the signaling goodbye says why.
    }
  }

  private sayGoodbye(peerId: string, signal: SignalData): void {
    try {
      this.options.signaling.signal(peerId, signal);
    } catch (error) {
      // Signaling is already gone: the receiver will see this sharer vanish, which is all it can know.
      if (!(error instanceof SignalingError)) throw error;
    }
  }

  private connectTo(peer: PeerInfo): void {
    if (peer.role !== 'receiver' || this.channels.has(peer.peerId)) return;
    const link = this.options.links({
      initiator: true,
      iceServers: currentIceServers(this.options.iceServers),
    });
    link.onSignal((data) => this.options.signaling.signal(peer.peerId, data as Record<string, unknown>));
    const channel = new PeerChannel(peer.peerId, link, {
      role: 'sharer',
      name: this.options.name,
      sessionId: this.sessionId,
      auth: this.options.auth,
      speaksFirst: this.joined,
      capabilities: [...(this.options.capabilities ?? ['hid', USB_CAPABILITY]), TICKET_CAPABILITY],
      pipeline: this.pipeline,
      codecFor: this.codecs.codecFor,
    });
    this.channels.set(peer.peerId, channel);
    this.names.set(peer.peerId, peer.name);
    channel.on('ready', () => this.authenticated(channel));
    channel.on('frame', (frame) => void this.handleFrame(channel, frame));
    channel.on('problem', (error) => {
      // Someone who mistyped the code (or holds an old link) is turned away; this share is fine.
      if (this.joined || !isTurnedAway(error)) this.fail(`${peer.name}: ${error.message}`);
      this.emit('problem', { peerId: peer.peerId, error });
      // A bad frame where its READMIT was due (a malformed one) counts as no ticket: ask.
      if (this.awaitingReadmit.delete(peer.peerId)) this.ask(channel);
    });
    channel.on('auth-failed', (failure) => this.authFailed(peer.peerId, failure));
    channel.on('closed', () => {
      if (this.channels.get(peer.peerId) !== channel) return; // revoked: already let go
      this.channels.delete(peer.peerId);
      this.admissions.remove(peer.peerId);
      this.tickets.release(peer.peerId);
      this.awaitingReadmit.delete(peer.peerId);
      this.refusals.delete(peer.peerId);
      this.paths.delete(peer.peerId);
      this.usb.peerClosed(channel);
      if (channel.ready && !this.closing) this.lostLinks.add(peer.peerId);
      if (channel.ready) this.connectAgainLater(peer.peerId);
      this.publishStatus();
    });
    this.publishStatus();
  }

  /**
   * A working link closed while our signaling was down or had just come back, and its receiver is still in
   * the session: it dropped the link because the server told it we left. Connect to it afresh, unless it
   * leaves meanwhile (a receiver that quits or rejoins says so within a moment). Any other close is the
   * receiver's own doing and stays closed, as does a link that never authenticated.
   */
  private connectAgainLater(peerId: string): void {
    if (!this.members.has(peerId) || !this.signalingJustBlinked()) return;
    const outages = (this.linkOutages.get(peerId)?.outages ?? 0) + 1;
    this.linkOutages.set(peerId, { downSince: Date.now(), outages });
    setTimeout(() => {
      const peer = this.members.get(peerId);
      if (!this.closing && peer !== undefined && !this.channels.has(peerId)) this.connectTo(peer);
    }, RECONNECT_LINK_AFTER_MS);
  }

  /** Signaling is back: the receivers whose links failed under us and who are still here get a call. */
  private callLostLinks(peers: readonly PeerInfo[]): void {
    const lost = peers.filter((peer) => this.lostLinks.has(peer.peerId));
    this.lostLinks.clear();
    for (const peer of lost) this.connectTo(peer);
  }

  private signalingJustBlinked(): boolean {
    const { state } = this.signalingStatus;
    return state === 'reconnecting' || Date.now() - this.resumedAt < RELINK_WINDOW_MS;
  }

  private authenticated(channel: PeerChannel): void {
    const outage = this.linkOutages.get(channel.peerId);
    if (outage) outage.downSince = undefined;
    const atOnce = this.admissions.atOnce;
    if (atOnce !== undefined) {
      this.admit(channel.peerId, atOnce, 'none');
      return;
    }
    // One that knows tickets says next whether it holds one (READMIT): we ask only if it does not.
    if (knowsTickets(channel)) this.awaitingReadmit.add(channel.peerId);
    else this.ask(channel);
  }

  private ask(channel: PeerChannel): void {
    this.emit('waiting', this.peerStatus(channel));
    this.publishStatus();
  }

  /** A failed code attempt burns the nameplate: the server ignores this unless we made the session. */
  private authFailed(peerId: string, failure: AuthFailure): void {
    if (failure.kind === 'code') this.options.signaling.reportFailedCode(peerId);
    this.emit('auth-failed', { peerId, ...failure });
  }

  private welcome(channel: PeerChannel): void {
    for (const [index, source] of this.devices) channel.send(encodeAnnounce(index, announcementOf(source)));
    this.usb.peerReady();
    this.emit('receiver', this.peerStatus(channel));
    this.publishStatus();
  }

  private forwardInput(device: number, reportId: number, data: Uint8Array, timestampMs: number): void {
    const frame = encodeInputReport(device, reportId, timestampMs, data, this.scratch);
    for (const channel of this.channels.values()) {
      if (this.admissions.approved(channel.peerId) && !this.hasRefused(channel, device)) channel.send(frame);
    }
    this.meter.add(data.length);
  }

  private hasRefused(channel: PeerChannel, device: number): boolean {
    if (this.refusals.size === 0) return false; // the common case, on the per-report path
    return this.refusals.get(channel.peerId)?.some((entry) => entry.device === device) ?? false;
  }

  /** The receiver's policy will not take `device`: send it nothing more of it, and show why. */
  private refusedBy(channel: PeerChannel, device: number, reason: string): void {
    const source = this.devices.get(device);
    if (source === undefined && !this.usb.refuse(channel, device)) return;
    if (this.hasRefused(channel, device)) return;
    const productName = source?.productName ?? this.usb.productName(device) ?? `device ${device}`;
    const refused = this.refusals.get(channel.peerId) ?? [];
    this.refusals.set(channel.peerId, [...refused, { device, productName, reason }]);
    this.publishStatus();
  }

  private async handleFrame(channel: PeerChannel, frame: Frame): Promise<void> {
    if (frame.type === 'usb') {
      this.handleUsb(channel, frame);
      return;
    }
    if (frame.type === 'error' && frame.code === ErrorCode.DeviceRefused) {
      this.refusedBy(channel, frame.device, frame.message);
      return;
    }
    if (frame.type === 'readmit') {
      this.readmit(channel, frame.proof);
      return;
    }
    if (frame.type !== 'output' && frame.type !== 'feature-get' && frame.type !== 'feature-set') return;
    const { device, reportId, requestId } = frame;
    const source = this.devices.get(device);
    if (!this.admissions.allows(channel.peerId, hidRequestNeeds(frame.type))) {
      channel.send(encodeReply(device, reportId, requestId, ReplyStatus.NotAllowed));
      return;
    }
    if (!source) {
      channel.send(encodeReply(device, reportId, requestId, ReplyStatus.NoSuchDevice));
      return;
    }
    try {
      const data = await this.perform(source, frame);
      channel.send(encodeReply(device, reportId, requestId, ReplyStatus.Ok, data));
    } catch (error) {
      this.fail(`${frame.type} ${reportId}: ${error instanceof Error ? error.message : String(error)}`);
      channel.send(encodeReply(device, reportId, requestId, ReplyStatus.DeviceError));
    }
  }

  private async perform(source: HidSource, frame: Frame): Promise<Uint8Array | undefined> {
    if (frame.type === 'output') await source.sendReport(frame.reportId, frame.data.slice());
    else if (frame.type === 'feature-set') await source.sendFeatureReport(frame.reportId, frame.data.slice());
    else if (frame.type === 'feature-get') return source.receiveFeatureReport(frame.reportId);
    return undefined;
  }

  /** USB requests above the receiver's grant complete `not-allowed`; the rest go to the device it holds. */
  private handleUsb(channel: PeerChannel, frame: UsbFrame): void {
    const { message } = frame;
    if (message.kind !== 'announce' && message.kind !== 'completion' && message.kind !== 'iso-completion') {
      const active = this.usb.activeConfiguration(frame.device);
      if (!this.admissions.allows(channel.peerId, usbRequestNeeds(message, active))) {
        const refusal = { kind: 'completion', requestId: message.requestId, status: 'not-allowed' } as const;
        channel.send(encodeUsbCompletion(frame.device, { ...refusal, actualLength: 0, data: EMPTY }));
        return;
      }
    }
    this.usb.receive(channel, frame);
  }

  /** Approved receivers, oldest first: the ones devices go to. */
  private readyChannels(): PeerChannel[] {
    return [...this.channels.values()].filter((channel) => this.admissions.approved(channel.peerId));
  }

  private peerStatus(channel: PeerChannel): PeerStatus {
    const permission = this.admissions.permissionOf(channel.peerId);
    return {
      peerId: channel.peerId,
      name: this.names.get(channel.peerId) ?? '',
      // Until its READMIT says whether it holds a ticket, nobody is asked about it.
      state: this.awaitingReadmit.has(channel.peerId) ? 'verifying' : stateOf(channel, permission),
      pipeline: channel.agreedPipeline,
      permission,
      verification: channel.verification,
      refused: this.refusals.get(channel.peerId) ?? [],
      path: this.paths.get(channel.peerId),
      downSince: this.linkOutages.get(channel.peerId)?.downSince,
      outages: this.linkOutages.get(channel.peerId)?.outages ?? 0,
    };
  }

  private fail(message: string): void {
    this.lastError = message;
    this.publishStatus();
  }

  private startStatus(): void {
    this.statusTimer ??= setInterval(() => {
      this.meter.tick();
      this.refreshPaths();
      this.publishStatus();
    }, 1000);
  }

  /** Asks each open link which path it uses; the answers show in the next status. */
  private refreshPaths(): void {
    for (const channel of this.readyChannels()) {
      void channel.link.path?.().then((path) => {
        if (path && this.channels.get(channel.peerId) === channel) this.paths.set(channel.peerId, path);
      });
    }
  }

  private publishStatus(): void {
    this.emit('status', this.status());
  }
}

const EMPTY = new Uint8Array(0);

/** A goodbye, as signaled and as said on the link. */
interface Goodbye {
  readonly signal: SignalData;
  readonly code: number;
  readonly message: string;
}
const STOPPED: Goodbye = {
  signal: GOODBYE_SIGNAL,
  code: ErrorCode.Stopped,
  message: 'the sharer stopped sharing',
};
const LEAVING: Goodbye = {
  signal: LEAVING_SIGNAL,
  code: ErrorCode.Leaving,
  message: "the sharer's page is going away (closed or reloaded)",
};
/** Long enough for a leaving receiver's 'peer-left' to arrive first. */
const RECONNECT_LINK_AFTER_MS = 1500;
/** After signaling comes back, links that close this soon are taken for casualties of the outage. */
const RELINK_WINDOW_MS = 10_000;

function stateOf(channel: PeerChannel, permission: Permission | undefined): PeerStatus['state'] {
  if (channel.link.state !== 'open') return channel.link.state;
  if (!channel.ready) return 'verifying';
  return permission === undefined ? 'waiting' : 'open';
}

function announcementOf(source: HidSource): DeviceAnnouncement {
  const announcement: DeviceAnnouncement = {
    kind: 'hid',
    vendorId: source.vendorId,
    productId: source.productId,
    productName: source.productName,
    collections: source.collections as DeviceAnnouncement['collections'],
  };
  // Sent as is, so the receiver presents the device's own descriptor rather than a rebuilt one.
  const raw = source.reportDescriptor;
  if (raw !== undefined && raw.length > 0) announcement.reportDescriptor = hexOf(raw);
  return announcement;
}

function hexOf(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function isTurnedAway(error: Error): boolean {
  return error instanceof PeerAuthError && error.code === 'bad-proof';
}
