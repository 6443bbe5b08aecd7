/**
 * A token bucket: `burst` tokens to start with, refilled continuously at `perMinute`. Time is passed in,
 * so the limits are unit-testable without waiting.
 */
export interface RateLimit {
  /** Requests accepted back to back before the rate applies. */
  burst: number;
  /** Sustained requests per minute. */
  perMinute: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is available (0 if one is now). */
  retryAfterMs(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) * 60_000) / this.limit.perMinute);
  }

  /** True once the bucket has refilled completely: it then holds nothing worth remembering. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.limit.burst;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = now;
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed * this.limit.perMinute) / 60_000);
  }
}
