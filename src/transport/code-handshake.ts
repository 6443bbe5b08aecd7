/**
 * Pairing by short code: CPace (cpace.ts) with the code's words as the password, so a peer that does not
 * know them gets one online guess per connection and nothing to test guesses against offline.
 *
 *   initiator (speaks first)                     responder
 *   HELLO { auth: code, share: Ya }    ───────►
 *                                      ◄───────  HELLO { auth: code, share: Yb }, AUTH_CONFIRM(Tb)
 *   AUTH_CONFIRM(Ta)                   ───────►
 *   checks Tb                                    checks Ta
 *
 * The initiator is the end whose hello opens the exchange (today the receiver); roles, not that order,
 * decide the other inputs, so both ends agree whichever of them speaks first.
 * The inputs bind the run to this connection: sid is the session id, CI holds both DTLS fingerprints
 * (receiver's first), and the associated data is each side's role, so the two tags differ by role.
 * Each end checks the other's tag before anything else flows; a wrong code fails there, on both ends.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { CODE_PAKE, type HelloBody } from '../protocol/index.ts';
import type { Role } from './auth.ts';
import { fromBase64Url, toBase64Url } from './base64url.ts';
import { type CpaceKeys, type CpaceParty, lvCat, PakeError, startCpace } from './cpace.ts';
import type { LinkFingerprints } from './link.ts';
import { fingerprintsByRole, verificationFromKey } from './verification.ts';

const utf8 = new TextEncoder();
const CI_LABEL = utf8.encode('ferry/code/v1');
const PIPELINE_INFO = utf8.encode('ferry/code/pipeline-secret/v1');

export type CodeHelloAuth = Extract<HelloBody['auth'], { method: 'code' }>;

/** What a finished code run gives the link: a strong secret for `encrypt`, and the words people compare. */
export interface CodeOutcome {
  /** 16 bytes from the CPace key, base64url (the shape pipeline-keys uses as is). */
  pipelineSecret: string;
  verification: string;
}

export interface CodeHandshakeOptions {
  role: Role;
  /** True at the end that opens the exchange with its share (CPace's initiator, A). */
  initiator: boolean;
  /** The code's words joined by '-', e.g. 'amber-falcon'. */
  words: string;
  sessionId: string;
  fingerprints: LinkFingerprints | undefined;
}

/** One end's code run on one connection. Every method throws PakeError on bad peer input. */
export class CodeHandshake {
  private readonly party: CpaceParty;
  private keys: CpaceKeys | undefined;
  private readonly sid: Uint8Array;

  constructor(private readonly options: CodeHandshakeOptions) {
    const { receiver, sharer } = fingerprintsByRole(options.role, options.fingerprints);
    this.sid = utf8.encode(options.sessionId);
    this.party = startCpace(options.initiator ? 'initiator' : 'responder', {
      prs: utf8.encode(options.words),
      ci: lvCat(CI_LABEL, utf8.encode(receiver), utf8.encode(sharer)),
      sid: this.sid,
      ad: utf8.encode(options.role),
    });
  }

  /** The `auth` of this end's HELLO. */
  get hello(): CodeHelloAuth {
    return { method: 'code', pake: CODE_PAKE, share: toBase64Url(this.party.share) };
  }

  /** Takes the peer's share; returns this end's key-confirmation tag for AUTH_CONFIRM. */
  receiveShare(share: string): Uint8Array {
    if (this.keys) throw new PakeError('bad-element', 'the peer sent its share twice');
    const bytes = fromBase64Url(share);
    if (!bytes) throw new PakeError('bad-element', 'the peer share is not base64url');
    const peerRole: Role = this.options.role === 'sharer' ? 'receiver' : 'sharer';
    this.keys = this.party.receive(bytes, utf8.encode(peerRole));
    return this.keys.ownTag;
  }

  /** Checks the peer's tag: PakeError('bad-tag') means the two ends hold different codes. */
  confirm(tag: Uint8Array): CodeOutcome {
    if (!this.keys) throw new PakeError('bad-tag', 'key confirmation before the share');
    this.keys.verifyPeerTag(tag);
    const { isk } = this.keys;
    return {
      pipelineSecret: toBase64Url(hkdf(sha512, isk, this.sid, PIPELINE_INFO, 16)),
      verification: verificationFromKey(isk),
    };
  }
}
