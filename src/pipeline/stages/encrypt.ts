/**
 * encrypt: AES-128-GCM end to end, keyed from the share secret, so a relay or signaling server that sees
 * the WebRTC setup still cannot read or forge device traffic. One message:
 *
 *   SEALED   counter u48 LE | ciphertext | GCM tag (16 bytes)
 *
 * Nonce (12 bytes) = channel class u8 (0 reliable, 1 unreliable) | 0 × 5 | counter u48 LE. Each direction
 * has its own key and each channel class its own counter, so a nonce never repeats; at 2⁴⁸ messages the
 * stage stops rather than wrap. The receiver rejects replays with a sliding window per channel class
 * (strictly increasing on the reliable channel) and marks a counter used only after it authenticated.
 */
import { PipelineError, toPipelineError } from '../errors.ts';
import { integer, type ParamValues } from '../params.ts';
import { type ChannelClass, defineStage, type StageContext, type StageHalf } from '../stage.ts';
import { checkContext, decodeSecret, deriveDirectionKey, subtleCrypto } from './encrypt-keys.ts';
import { ReplayWindow } from './replay-window.ts';

export const COUNTER_BYTES = 6;
export const TAG_BYTES = 16;
const NONCE_BYTES = 12;
const COUNTER_LIMIT = 2 ** 48;

const encryptParams = {
  window: integer(1024, 32, 65_536, 'how far out of order an unreliable message may arrive and still count'),
} as const;

export const encrypt = defineStage({
  name: 'encrypt',
  summary: 'Encrypts and authenticates every message with a key only the link holders have (AES-GCM).',
  scope: 'link',
  rank: 70,
  params: encryptParams,
  createSender: (_values, context) => new Sealer(context),
  createReceiver: (values, context) => new Opener(values, context),
});

/** Resolves the direction key once; pushes before it is ready wait for it (in order, via the chain). */
class KeyHolder {
  key: CryptoKey | undefined;
  private failure: PipelineError | undefined;
  private readonly ready: Promise<void>;

  constructor(context: StageContext, use: 'seal' | 'open') {
    const secret = decodeSecret(context.secret);
    const salt = checkContext(context.connectionContext);
    subtleCrypto();
    this.ready = deriveDirectionKey(secret, salt, context.role, use).then(
      (key) => {
        this.key = key;
      },
      (error: unknown) => {
        this.failure = toPipelineError(error, 'encrypt');
      },
    );
  }

  async get(): Promise<CryptoKey> {
    if (!this.key) await this.ready;
    if (this.failure || !this.key) throw this.failure ?? new PipelineError('internal', 'no key', 'encrypt');
    return this.key;
  }
}

function writeNonce(nonce: Uint8Array, channel: ChannelClass, counterBytes: Uint8Array): void {
  nonce.fill(0);
  nonce[0] = channel === 'reliable' ? 0 : 1;
  nonce.set(counterBytes, NONCE_BYTES - COUNTER_BYTES);
}

function writeCounter(out: Uint8Array, counter: number): void {
  const low = counter % 2 ** 32;
  const high = Math.floor(counter / 2 ** 32);
  out[0] = low;
  out[1] = low >>> 8;
  out[2] = low >>> 16;
  out[3] = low >>> 24;
  out[4] = high;
  out[5] = high >>> 8;
}

function readCounter(bytes: Uint8Array): number {
  const low = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
  return low + (bytes[4]! | (bytes[5]! << 8)) * 2 ** 32;
}

class Sealer implements StageHalf {
  private readonly keys: KeyHolder;
  private readonly counters: Record<ChannelClass, number> = { reliable: 0, unreliable: 0 };

  constructor(private readonly context: StageContext) {
    this.keys = new KeyHolder(context, 'seal');
  }

  async push(bytes: Uint8Array, channel: ChannelClass): Promise<void> {
    const counter = this.counters[channel];
    if (counter >= COUNTER_LIMIT)
      throw new PipelineError('nonce-exhausted', 'counter space used up; reconnect', 'encrypt');
    this.counters[channel] = counter + 1;
    // Copy before the first await: the caller's bytes are borrowed.
    const plaintext = bytes.slice();
    const header = new Uint8Array(COUNTER_BYTES);
    writeCounter(header, counter);
    const nonce = new Uint8Array(NONCE_BYTES);
    writeNonce(nonce, channel, header);
    const key = await this.keys.get();
    const sealed = new Uint8Array(
      await subtleCrypto().encrypt({ name: 'AES-GCM', iv: nonce }, key, plaintext),
    );
    const out = new Uint8Array(COUNTER_BYTES + sealed.length);
    out.set(header, 0);
    out.set(sealed, COUNTER_BYTES);
    this.context.emit(out, channel);
  }
}

class Opener implements StageHalf {
  private readonly keys: KeyHolder;
  private readonly windows: Record<ChannelClass, ReplayWindow>;

  constructor(
    values: ParamValues<typeof encryptParams>,
    private readonly context: StageContext,
  ) {
    this.keys = new KeyHolder(context, 'open');
    // The reliable channel is ordered: anything not newer than the last message is a replay.
    this.windows = { reliable: new ReplayWindow(1), unreliable: new ReplayWindow(values.window) };
  }

  async push(bytes: Uint8Array, channel: ChannelClass): Promise<void> {
    if (bytes.length < COUNTER_BYTES + TAG_BYTES + 1)
      throw new PipelineError('malformed', 'sealed message too short', 'encrypt');
    const counter = readCounter(bytes);
    const window = this.windows[channel];
    const verdict = window.check(counter);
    if (verdict !== 'fresh') throw new PipelineError('replay', `message ${counter} ${verdict}`, 'encrypt');
    const nonce = new Uint8Array(NONCE_BYTES);
    writeNonce(nonce, channel, bytes.subarray(0, COUNTER_BYTES));
    const sealed = bytes.slice(COUNTER_BYTES);
    const key = await this.keys.get();
    let plaintext: ArrayBuffer;
    try {
      plaintext = await subtleCrypto().decrypt({ name: 'AES-GCM', iv: nonce }, key, sealed);
    } catch (error) {
      throw new PipelineError(
        'auth-failed',
        'message failed authentication (tampered, or a different key)',
        'encrypt',
        {
          cause: error,
        },
      );
    }
    // Serial processing (the chain) means no other message with this counter was opened meanwhile.
    window.accept(counter);
    this.context.emit(new Uint8Array(plaintext), channel);
  }
}
