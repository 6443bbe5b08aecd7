/**
 * Re-admission tickets (docs/security.md, "Re-admission tickets"): a receiver the sharer approved gets a
 * random ticket with its GRANT, over the authenticated, encrypted data channel. On its next link to the
 * same sharer (a dropped link made again, or the sharer's page reloaded) it proves it holds that ticket,
 * after the link's secret check, and the sharer lets it back in with the permission it had, without
 * asking again. The signaling server never sees a ticket: a peer id, which the server assigns, proves
 * nothing, and a ticket is the receiver's own proof that the sharer approved it before.
 *
 * The receiver never sends the ticket itself: it sends an HMAC keyed by the ticket over the session id
 * and both DTLS fingerprints of the new link (as the link proof does, auth.ts). A peer that poses as the
 * sharer (it would need the link's secret and the server's help) learns only a proof bound to its own
 * link, which is worth nothing on any other.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { READMIT_PROOF_BYTES, TICKET_BYTES, TICKET_CAPABILITY } from '../protocol/index.ts';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import type { LinkFingerprints } from './link.ts';
import type { PeerChannel } from './peer-channel.ts';
import type { Permission } from './permissions.ts';

/** A remembered ticket as the sharer keeps it across a reload (base64url: 22 characters). */
export interface TicketRecord {
  ticket: string;
  permission: Permission;
}

/** The most tickets a sharer remembers; the oldest go first (a receiver gone for good never returns). */
export const MAX_TICKETS = 64;

const utf8 = new TextEncoder();

/** 128 random bits. */
export function newTicket(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(TICKET_BYTES));
}

/** The READMIT proof for `ticket` on this link: bound to the session and both DTLS fingerprints. */
export function readmitProof(
  ticket: Uint8Array,
  sessionId: string,
  fingerprints: LinkFingerprints | undefined,
): Uint8Array {
  const both = fingerprints ? [fingerprints.local, fingerprints.remote].sort().join('|') : '';
  return hmac(sha256, ticket, utf8.encode(`ferry-readmit-v1|${sessionId}|${both}`));
}

/** True when the peer's hello says it knows tickets (older peers reject the long GRANT and READMIT). */
export function knowsTickets(peer: Pick<PeerChannel, 'remote'>): boolean {
  return peer.remote?.capabilities.includes(TICKET_CAPABILITY) ?? false;
}

/** Equal lengths and bytes, in time that does not depend on where they differ. */
export function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

interface Entry {
  readonly ticket: Uint8Array;
  permission: Permission;
}

/**
 * The sharer's tickets: each one's permission, and which live receiver (peer id) holds which. A ticket
 * outlives its receiver's link and peer id (a receiver that rejoins gets a new id): it is forgotten when
 * the sharer revokes that receiver, and with the share.
 */
export class SharerTickets {
  private entries: Entry[] = [];
  private readonly byPeer = new Map<string, Entry>();

  constructor(restored: readonly TicketRecord[] = []) {
    for (const { ticket, permission } of restored.slice(-MAX_TICKETS)) {
      const bytes = fromBase64Url(ticket);
      if (bytes?.length === TICKET_BYTES) this.entries.push({ ticket: bytes, permission });
    }
  }

  /** The ticket of `peerId`'s approval, now for `permission`: the one it holds, or a new one. */
  issue(peerId: string, permission: Permission): Uint8Array {
    const held = this.byPeer.get(peerId);
    if (held) {
      held.permission = permission;
      return held.ticket;
    }
    const entry = { ticket: newTicket(), permission };
    this.entries.push(entry);
    if (this.entries.length > MAX_TICKETS) this.entries.shift();
    this.byPeer.set(peerId, entry);
    return entry.ticket;
  }

  /**
   * The permission of the ticket `proof` was made with on this link, which `peerId` now holds; undefined
   * when no ticket matches (an unknown, forgotten or malformed one). Every ticket is tried, each compared
   * in constant time.
   */
  admit(
    peerId: string,
    proof: Uint8Array,
    sessionId: string,
    fingerprints: LinkFingerprints | undefined,
  ): Permission | undefined {
    if (proof.length !== READMIT_PROOF_BYTES) return undefined;
    let found: Entry | undefined;
    for (const entry of this.entries) {
      const expected = readmitProof(entry.ticket, sessionId, fingerprints);
      if (equalInConstantTime(expected, proof)) found = entry;
    }
    if (found === undefined) return undefined;
    this.byPeer.set(peerId, found);
    return found.permission;
  }

  /** `peerId`'s link ended: its ticket stays, for its next link. */
  release(peerId: string): void {
    this.byPeer.delete(peerId);
  }

  /** `peerId` was turned away: its ticket lets nobody in again. */
  forget(peerId: string): void {
    const entry = this.byPeer.get(peerId);
    this.byPeer.delete(peerId);
    if (entry) this.entries = this.entries.filter((kept) => kept !== entry);
  }

  /** What a reload needs to remember (the sharer page keeps it in sessionStorage). */
  records(): TicketRecord[] {
    return this.entries.map(({ ticket, permission }) => ({ ticket: toBase64Url(ticket), permission }));
  }
}
