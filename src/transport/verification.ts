/**
 * The verification string: four words both ends of a link show, derived from what authenticated that
 * link (the CPace key for a code, the link secret and both DTLS fingerprints for a link). People compare
 * them to be sure the receiver they see is the one they meant: another connection, even one holding the
 * same link or code, shows other words.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Role } from './auth.ts';
import { lvCat } from './cpace.ts';
import type { LinkFingerprints } from './link.ts';
import { CODE_WORDS } from './session-link.ts';

const utf8 = new TextEncoder();
/** 4 words of 8 bits: 32 bits, which a person can compare at a glance. */
const WORDS = 4;
const INFO = utf8.encode('ferry/verification/v1');

/** The words for `key` (already a strong, link-specific key), space-separated. */
export function verificationFromKey(key: Uint8Array): string {
  return wordsOf(hkdf(sha256, key, undefined, INFO, WORDS));
}

/** The words for a link authenticated with the link secret: bound to the session and both fingerprints. */
export function verificationFromLinkSecret(
  secret: string,
  sessionId: string,
  role: Role,
  fingerprints: LinkFingerprints | undefined,
): string {
  const { receiver, sharer } = fingerprintsByRole(role, fingerprints);
  const info = lvCat(INFO, utf8.encode(sessionId), utf8.encode(receiver), utf8.encode(sharer));
  return wordsOf(hkdf(sha256, utf8.encode(secret), utf8.encode('ferry'), info, WORDS));
}

/** Both fingerprints named by role, so that both ends order them alike ('' when the link has none). */
export function fingerprintsByRole(
  role: Role,
  fingerprints: LinkFingerprints | undefined,
): { receiver: string; sharer: string } {
  const local = fingerprints?.local ?? '';
  const remote = fingerprints?.remote ?? '';
  return role === 'receiver' ? { receiver: local, sharer: remote } : { receiver: remote, sharer: local };
}

function wordsOf(bytes: Uint8Array): string {
  return [...bytes].map((byte) => CODE_WORDS[byte]).join(' ');
}
