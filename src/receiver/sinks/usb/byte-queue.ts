/**
 * Bytes received but not yet parsed. TCP splits data where it likes, so parsers ask "are n bytes
 * there?" and take them once they are. Views are returned when the bytes lie in one chunk (the common
 * case), copies only when a message straddles chunks. The queue itself is unbounded: parsers bound it
 * by refusing any length field above their limit before waiting for that many bytes.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Bytes of `chunks[0]` already consumed. */
  private headOffset = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** The next `count` bytes without consuming them; `count` must not exceed `length`. */
  peek(count: number): Uint8Array {
    if (count > this.total) throw new RangeError(`peek ${count} of ${this.total} bytes`);
    const head = this.chunks[0];
    if (head === undefined || count === 0) return new Uint8Array(0);
    if (head.length - this.headOffset >= count) {
      return head.subarray(this.headOffset, this.headOffset + count);
    }
    return this.gather(count);
  }

  skip(count: number): void {
    if (count > this.total) throw new RangeError(`skip ${count} of ${this.total} bytes`);
    this.total -= count;
    let remaining = count;
    while (remaining > 0) {
      const head = this.chunks[0];
      if (head === undefined) break;
      const available = head.length - this.headOffset;
      if (available > remaining) {
        this.headOffset += remaining;
        return;
      }
      remaining -= available;
      this.chunks.shift();
      this.headOffset = 0;
    }
  }

  take(count: number): Uint8Array {
    const bytes = this.peek(count);
    this.skip(count);
    return bytes;
  }

  clear(): void {
    this.chunks = [];
    this.headOffset = 0;
    this.total = 0;
  }

  private gather(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    let offset = this.headOffset;
    for (const chunk of this.chunks) {
      const part = chunk.subarray(offset, offset + (count - filled));
      out.set(part, filled);
      filled += part.length;
      offset = 0;
      if (filled === count) break;
    }
    return out;
  }
}
