/** The hello's capability bitmap: little-endian u32 words, capability n is bit n%32 of word n/32. */

export class CapabilitySet {
  private constructor(private readonly words: Uint32Array) {}

  static of(caps: readonly number[]): CapabilitySet {
    const words = new Uint32Array(Math.max(1, ...caps.map((cap) => (cap >> 5) + 1)));
    for (const cap of caps) words[cap >> 5] = (words[cap >> 5] ?? 0) | (1 << (cap & 31));
    return new CapabilitySet(words);
  }

  /** Trailing bytes that do not fill a word are ignored, as usbredirparser does. */
  static decode(bytes: Uint8Array): CapabilitySet {
    const words = new Uint32Array(bytes.length >> 2);
    for (let i = 0; i < words.length; i++) {
      const at = i * 4;
      words[i] =
        ((bytes[at] ?? 0) |
          ((bytes[at + 1] ?? 0) << 8) |
          ((bytes[at + 2] ?? 0) << 16) |
          ((bytes[at + 3] ?? 0) << 24)) >>>
        0;
    }
    return new CapabilitySet(words);
  }

  has(cap: number): boolean {
    return (((this.words[cap >> 5] ?? 0) >>> (cap & 31)) & 1) === 1;
  }

  encode(): Uint8Array {
    const out = new Uint8Array(this.words.length * 4);
    this.words.forEach((word, i) => {
      out[i * 4] = word & 0xff;
      out[i * 4 + 1] = (word >>> 8) & 0xff;
      out[i * 4 + 2] = (word >>> 16) & 0xff;
      out[i * 4 + 3] = word >>> 24;
    });
    return out;
  }
}

/** What both sides have: a feature is used only when both hellos announced it. */
export const bothHave = (ours: CapabilitySet, theirs: CapabilitySet, cap: number): boolean =>
  ours.has(cap) && theirs.has(cap);
