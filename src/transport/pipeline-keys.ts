/**
 * What `encrypt` needs from the session: a 16-byte secret and a per-connection context, both computed
 * the same way at both ends from what they already share (the link secret, or the key of the code's
 * CPace run; the session id, and both DTLS fingerprints).
 */
import { toBase64Url } from './base64url.ts';
import type { LinkFingerprints } from './link.ts';

const utf8 = new TextEncoder();
const SHARE_SECRET = /^[A-Za-z0-9_-]{22}$/;

/**
 * A link secret is already 16 random bytes in base64url and is used as is, and so is the secret a code's
 * CPace run derives (code-handshake.ts). Any other secret (a test's, say) is hashed to that shape.
 */
export async function pipelineSecret(secret: string): Promise<string> {
  if (SHARE_SECRET.test(secret)) return secret;
  const digest = await crypto.subtle.digest('SHA-256', utf8.encode(`ferry/pipeline-secret/v1|${secret}`));
  return toBase64Url(new Uint8Array(digest, 0, 16));
}

/**
 * SHA-256 of the session id and both fingerprints (sorted, so both ends agree): distinct keys for every
 * connection even with the same link, and a fixed 32 bytes whatever the peer put in its SDP.
 */
export async function connectionContext(
  sessionId: string,
  fingerprints: LinkFingerprints | undefined,
): Promise<Uint8Array> {
  const both = fingerprints ? [fingerprints.local, fingerprints.remote].sort().join('|') : '';
  const digest = await crypto.subtle.digest(
    'SHA-256',
    utf8.encode(`ferry/pipeline-context/v1|${sessionId}|${both}`),
  );
  return new Uint8Array(digest);
}
