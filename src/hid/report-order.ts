/**
 * Chrome keeps each collection's reports in a `std::unordered_map<uint8_t, HidReport>` and sends them to
 * the page in that map's iteration order (hid_collection.cc ToMojo). Chrome builds with libc++, whose
 * order is deterministic: identity hash, max load factor 1, bucket counts 0→2→5→11→23→47→97→197→397,
 * and a new key is linked at the front of its bucket, or at the front of the whole list when its bucket
 * is empty. This class replays that algorithm (libc++ __hash_table::__emplace_unique_key_args and
 * __do_rehash) on the keys alone, so that report order matches Chrome's: usually newest ID first.
 */
export class LibcxxKeyOrder {
  /** Keys in iteration order (a singly linked list in libc++). */
  private list: number[] = [];
  /** bucket → key of the node *before* the bucket's first node; -1 is the list head, undefined is empty. */
  private bucketBefore = new Map<number, number>();
  private bucketCount = 0;

  keys(): readonly number[] {
    return this.list;
  }

  has(key: number): boolean {
    return this.list.includes(key);
  }

  insert(key: number): void {
    if (this.has(key)) return;
    if (this.list.length + 1 > this.bucketCount) this.rehash(this.grownBucketCount());
    const bucket = this.constrain(key);
    const before = this.bucketBefore.get(bucket);
    if (before === undefined) {
      this.list.unshift(key);
      this.bucketBefore.set(bucket, -1);
      const next = this.list[1];
      if (next !== undefined) this.bucketBefore.set(this.constrain(next), key);
    } else {
      this.list.splice(before === -1 ? 0 : this.list.indexOf(before) + 1, 0, key);
    }
  }

  private grownBucketCount(): number {
    const bc = this.bucketCount;
    const isPowerOfTwo = bc > 2 && (bc & (bc - 1)) === 0;
    const wanted = Math.max(2 * bc + (isPowerOfTwo ? 0 : 1), this.list.length + 1);
    if (wanted === 1) return 2;
    return (wanted & (wanted - 1)) === 0 ? wanted : nextPrime(wanted);
  }

  private constrain(hash: number): number {
    const bc = this.bucketCount;
    if ((bc & (bc - 1)) === 0) return hash & (bc - 1);
    return hash < bc ? hash : hash % bc;
  }

  /** libc++ __do_rehash: walks the list, splicing each run of keys next to its bucket's first run. */
  private rehash(newCount: number): void {
    this.bucketCount = newCount;
    this.bucketBefore.clear();
    const old = this.list;
    const result: number[] = [];
    if (old.length === 0) {
      this.list = result;
      return;
    }
    const first = old[0]!;
    result.push(first);
    this.bucketBefore.set(this.constrain(first), -1);
    let previousBucket = this.constrain(first);
    for (let i = 1; i < old.length; i++) {
      const key = old[i]!;
      const bucket = this.constrain(key);
      const before = this.bucketBefore.get(bucket);
      if (bucket === previousBucket) {
        result.push(key);
      } else if (before === undefined) {
        this.bucketBefore.set(bucket, result[result.length - 1]!);
        result.push(key);
        previousBucket = bucket;
      } else {
        // Unique keys: the run is this single node, moved right after the bucket's "before" node.
        result.splice(before === -1 ? 0 : result.indexOf(before) + 1, 0, key);
      }
    }
    this.list = result;
  }
}

function nextPrime(n: number): number {
  for (let candidate = Math.max(2, n); ; candidate++) {
    if (isPrime(candidate)) return candidate;
  }
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
