import { fromBase64Url, toBase64Url } from './base64url.ts';
import type { LinkFingerprints } from './link.ts';

/**
 * Peers prove they know the link's secret (from its fragment: 128 bits) without revealing it: an HMAC
 * over the session id, the sender's role and both DTLS fingerprints. (A short code's words are too few for
 * an HMAC, which could be brute-forced offline; they are proven with CPace: code-handshake.ts.) Binding the
 * fingerprints means a signaling server that splices itself into the WebRTC connection cannot replay a
 * proof it relayed, because its certificate changes the fingerprints each side sees.
 */
export type Role = 'sharer' | 'receiver';

const utf8 = new TextEncoder();

async function proofKey(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', utf8.encode(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: utf8.encode('ferry'), info: utf8.encode('ferry/auth/v1') },
    material,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

function transcript(
  sessionId: string,
  role: Role,
  fingerprints: LinkFingerprints | undefined,
): Uint8Array<ArrayBuffer> {
  const both = fingerprints ? [fingerprints.local, fingerprints.remote].sort().join('|') : '';
  return utf8.encode(`ferry-hello-v1|${sessionId}|${role}|${both}`);
}

export async function createProof(
  secret: string,
  sessionId: string,
  role: Role,
  fingerprints: LinkFingerprints | undefined,
): Promise<string> {
  const key = await proofKey(secret);
  const mac = await crypto.subtle.sign('HMAC', key, transcript(sessionId, role, fingerprints));
  return toBase64Url(new Uint8Array(mac));
}

/** True when `proof` was made by someone holding `secret` for this session, role and link. */
export async function verifyProof(
  secret: string,
  proof: string,
  sessionId: string,
  role: Role,
  fingerprints: LinkFingerprints | undefined,
): Promise<boolean> {
  const mac = fromBase64Url(proof);
  if (!mac) return false;
  const key = await proofKey(secret);
  return crypto.subtle.verify('HMAC', key, mac, transcript(sessionId, role, fingerprints));
}
