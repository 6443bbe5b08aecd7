/**
 * Delays between reconnection attempts: exponential from `baseMs`, capped at `maxMs`, each spread by up
 * to ±`jitter` so that every peer of a restarted server does not knock at the same instant.
 * Platform-free and clock-free: it only computes numbers; the caller waits.
 */
export interface BackoffOptions {
  /** The first delay. Default 500 ms. */
  baseMs?: number;
  /** No delay is longer than this. Default 10 s. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Fraction of the delay added or taken away at random, 0–1. Default 0.2. */
  jitter?: number;
  /** A number in [0, 1); Math.random by default (tests pass their own). */
  random?: () => number;
}

export class Backoff {
  private attempts = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 500;
    this.maxMs = options.maxMs ?? 10_000;
    this.factor = options.factor ?? 2;
    this.jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
    this.random = options.random ?? Math.random;
    if (!(this.baseMs > 0) || !(this.maxMs >= this.baseMs) || !(this.factor >= 1)) {
      throw new RangeError('backoff needs 0 < baseMs <= maxMs and factor >= 1');
    }
  }

  /** Attempts made since the last reset. */
  get attempt(): number {
    return this.attempts;
  }

  /** The delay before the next attempt (and counts it). */
  next(): number {
    const exponent = Math.min(this.attempts, 64); // past the cap long before; keeps the power finite
    this.attempts++;
    const plain = Math.min(this.baseMs * this.factor ** exponent, this.maxMs);
    const spread = plain * this.jitter * (2 * this.random() - 1);
    return Math.round(Math.min(Math.max(plain + spread, 0), this.maxMs));
  }

  /** A connection worked: the next outage starts again from `baseMs`. */
  reset(): void {
    this.attempts = 0;
  }
}
