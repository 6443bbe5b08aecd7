/**
 * Keys for `encrypt`: AES-128-GCM keys derived with HKDF-SHA-256 from the share secret (16 random
 * bytes, base64url, carried only in the link fragment) and a per-connection context used as the salt.
 * Each direction has its own key, so the two ends never encrypt under the same key and nonce.
 */
import { PipelineError } from '../errors.ts';
import type { Role } from '../stage.ts';

const SECRET_SYNTAX = /^[A-Za-z0-9_-]{22}$/;
const MIN_CONTEXT_BYTES = 16;
const MAX_CONTEXT_BYTES = 1024;
const INFO = {
  sharerToReceiver: 'ferry pipeline v1 encrypt sharer-to-receiver',
  receiverToSharer: 'ferry pipeline v1 encrypt receiver-to-sharer',
} as const;

export function decodeSecret(secret: string | undefined): Uint8Array {
  if (secret === undefined)
    throw new PipelineError('missing-secret', 'encrypt needs the share secret', 'encrypt');
  if (!SECRET_SYNTAX.test(secret)) {
    throw new PipelineError(
      'bad-secret',
      'the share secret must be 16 bytes in base64url (22 characters)',
      'encrypt',
    );
  }
  const binary = atob(secret.replaceAll('-', '+').replaceAll('_', '/') + '==');
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export function checkContext(context: Uint8Array | undefined): Uint8Array {
  if (!context || context.length < MIN_CONTEXT_BYTES || context.length > MAX_CONTEXT_BYTES) {
    throw new PipelineError(
      'missing-secret',
      `encrypt needs a per-connection context of ${MIN_CONTEXT_BYTES}–${MAX_CONTEXT_BYTES} bytes`,
      'encrypt',
    );
  }
  return context;
}

export function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new PipelineError('internal', 'WebCrypto (crypto.subtle) is not available', 'encrypt');
  return subtle;
}

/** The key this end seals with (`seal`) or opens with (`open`). */
export async function deriveDirectionKey(
  secret: Uint8Array,
  context: Uint8Array,
  role: Role,
  use: 'seal' | 'open',
): Promise<CryptoKey> {
  const sharerSends = (role === 'sharer') === (use === 'seal');
  const info = new TextEncoder().encode(sharerSends ? INFO.sharerToReceiver : INFO.receiverToSharer);
  const subtle = subtleCrypto();
  const base = await subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, 'HKDF', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: context as Uint8Array<ArrayBuffer>, info },
    base,
    { name: 'AES-GCM', length: 128 },
    false,
    [use === 'seal' ? 'encrypt' : 'decrypt'],
  );
}
