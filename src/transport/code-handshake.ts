/**
 * Pairing by short code: CPace (cpace.ts) with the code's words as the password, so a peer that does not
 * know them gets one online guess per connection and nothing to test guesses against offline.
 *
 *   joiner (speaks first)                        maker (holds the code)
 *   HELLO { auth: code, share: Y1 }    ───────►
 *                                      ◄───────  HELLO { auth: code, share: Y2 }, AUTH_CONFIRM(T2)
 *   AUTH_CONFIRM(T1)                   ───────►
 *   checks T2                                    checks T1
 *
 * Roles, not the order of the messages, fix CPace's parties: the receiver is always A (initiator), the
 * sharer B. So both ends agree whoever speaks first: the receiver when it joined a sharer's session, the
 * sharer when it joined a waiting receiver's, or both at once when both joined a waiting receiver's.
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
  /** The receiver is CPace's A (initiator), the sharer its B (responder). */
  role: Role;
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
    this.party = startCpace(options.role === 'receiver' ? 'initiator' : 'responder', {
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
