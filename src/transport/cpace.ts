/**
 * CPace, the balanced PAKE of draft-irtf-cfrg-cpace, in its CPACE-RISTR255-SHA512 suite
 * (ristretto255 from @noble/curves, SHA-512 and HMAC from @noble/hashes), initiator-responder mode,
 * with the explicit key confirmation of the draft's "Key confirmation" section. Platform-free and
 * synchronous; no I/O. The function names follow the draft, and tests pin them to its test vectors.
 *
 * What it buys: each party sends one group element Y = y·g, where the generator g is derived from the
 * password (PRS), the channel identifier (CI) and the session id (sid). A peer that does not know PRS
 * learns nothing it could test guesses against offline; it gets exactly one guess per run.
 */
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, equalBytes } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';

type Point = InstanceType<typeof ristretto255.Point>;

export const CPACE_DSI = new TextEncoder().encode('CPaceRistretto255');
const DSI_ISK = new TextEncoder().encode('CPaceRistretto255_ISK');
const MAC_LABEL = new TextEncoder().encode('CPaceMac');
/** SHA-512's input block size, H.s_in_bytes. */
const HASH_BLOCK_BYTES = 128;
/** An encoded ristretto255 element. */
export const ELEMENT_BYTES = 32;
/** A key-confirmation tag: HMAC-SHA-512. */
export const TAG_BYTES = 64;
const ORDER = ristretto255.Point.Fn.ORDER;

export type PakeErrorCode = 'bad-element' | 'identity' | 'bad-tag';

/** Why a CPace run was aborted. Stable codes; the message is for people. */
export class PakeError extends Error {
  override readonly name = 'PakeError';
  constructor(
    readonly code: PakeErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** LEB128 length, then the bytes. */
export function prependLen(data: Uint8Array): Uint8Array {
  const length: number[] = [];
  let n = data.length;
  do {
    length.push(n < 128 ? n : (n & 0x7f) | 0x80);
    n >>>= 7;
  } while (n > 0);
  const out = new Uint8Array(length.length + data.length);
  out.set(length, 0);
  out.set(data, length.length);
  return out;
}

/** lv_cat: every part with its length prepended. */
export function lvCat(...parts: Uint8Array[]): Uint8Array {
  return concat(parts.map(prependLen));
}

/** lv_cat(DSI, PRS, zero padding, CI, sid): DSI and PRS fill the first hash block whatever PRS's length. */
export function generatorString(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Uint8Array {
  const zpad = Math.max(0, HASH_BLOCK_BYTES - 1 - prependLen(prs).length - prependLen(CPACE_DSI).length);
  return lvCat(CPACE_DSI, prs, new Uint8Array(zpad), ci, sid);
}

/** The password-dependent generator: RFC 9496 element derivation of SHA-512(generator string). */
export function calculateGenerator(prs: Uint8Array, ci: Uint8Array, sid: Uint8Array): Point {
  // deriveToCurve is optional in the shared hasher type; ristretto255's hasher always has it.
  return ristretto255_hasher.deriveToCurve!(sha512(generatorString(prs, ci, sid)));
}

/** A uniform scalar in [1, order): 64 random bytes reduced (the bias is below 2^-250). */
export function sampleScalar(): bigint {
  for (;;) {
    const scalar = bytesToNumberLE(crypto.getRandomValues(new Uint8Array(64))) % ORDER;
    if (scalar !== 0n) return scalar;
  }
}

/** scalar_mult_vfy: y·decode(X), refusing encodings that do not decode and a result that is the identity. */
export function scalarMultVfy(scalar: bigint, encoded: Uint8Array): Uint8Array {
  let point: Point;
  try {
    point = ristretto255.Point.fromBytes(encoded);
  } catch {
    throw new PakeError('bad-element', 'the peer sent bytes that are not a ristretto255 element');
  }
  const product = point.multiply(scalar);
  if (product.is0()) throw new PakeError('identity', 'the peer sent the identity element');
  return product.toBytes();
}

/** Both parties' public messages, in initiator-responder order. */
export interface CpaceTranscript {
  ya: Uint8Array;
  ada: Uint8Array;
  yb: Uint8Array;
  adb: Uint8Array;
}

/** ISK = SHA-512(lv_cat(DSI_ISK, sid, K) || lv_cat(Ya, ADa) || lv_cat(Yb, ADb)). */
export function intermediateSessionKey(sid: Uint8Array, k: Uint8Array, t: CpaceTranscript): Uint8Array {
  return sha512(concat([lvCat(DSI_ISK, sid, k), lvCat(t.ya, t.ada), lvCat(t.yb, t.adb)]));
}

/** Ta or Tb: HMAC(mac_key, lv_cat(Y, AD)) with mac_key = SHA-512("CPaceMac" || sid || ISK). */
export function confirmationTag(sid: Uint8Array, isk: Uint8Array, y: Uint8Array, ad: Uint8Array): Uint8Array {
  const macKey = sha512(concat([MAC_LABEL, sid, isk]));
  return hmac(sha512, macKey, lvCat(y, ad));
}

export interface CpaceInputs {
  prs: Uint8Array;
  ci: Uint8Array;
  sid: Uint8Array;
  /** This party's associated data, sent with its share. */
  ad: Uint8Array;
}

/** The keys of a finished run. The peer's tag must still be checked with `verifyPeerTag`. */
export interface CpaceKeys {
  isk: Uint8Array;
  /** This party's key-confirmation tag, for the peer. */
  ownTag: Uint8Array;
  /** Throws PakeError('bad-tag') unless `tag` is the peer's tag for this run: a wrong password ends here. */
  verifyPeerTag(tag: Uint8Array): void;
}

/** One party's side of one run: its share, and the step that turns the peer's share into keys. */
export interface CpaceParty {
  share: Uint8Array;
  /** Throws PakeError when `peerShare` is not a usable element. */
  receive(peerShare: Uint8Array, peerAd: Uint8Array): CpaceKeys;
}

/**
 * Starts a run as initiator (A, speaks first) or responder (B). `scalar` is for test vectors only;
 * a scalar must never be used twice.
 */
export function startCpace(
  role: 'initiator' | 'responder',
  inputs: CpaceInputs,
  scalar = sampleScalar(),
): CpaceParty {
  const share = calculateGenerator(inputs.prs, inputs.ci, inputs.sid).multiply(scalar).toBytes();
  return {
    share,
    receive(peerShare, peerAd) {
      const k = scalarMultVfy(scalar, peerShare);
      const own = { y: share, ad: inputs.ad };
      const peer = { y: peerShare, ad: peerAd };
      const [a, b] = role === 'initiator' ? [own, peer] : [peer, own];
      const isk = intermediateSessionKey(inputs.sid, k, { ya: a.y, ada: a.ad, yb: b.y, adb: b.ad });
      const peerTag = confirmationTag(inputs.sid, isk, peer.y, peer.ad);
      return {
        isk,
        ownTag: confirmationTag(inputs.sid, isk, own.y, own.ad),
        verifyPeerTag(tag) {
          if (!equalBytes(tag, peerTag)) throw new PakeError('bad-tag', 'the key confirmation did not match');
        },
      };
    },
  };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
