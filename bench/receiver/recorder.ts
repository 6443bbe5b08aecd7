/**
 * The receiver's measurements: end-to-end latency of each report (shared clock: now − the sharer's stamp)
 * into a preallocated array, bytes, and the process's CPU time and peak RSS over the window.
 *
 * Each window has a tag (written by the page into every report it sends in that window): only reports
 * with the window's tag count for it. A report of this window that arrives after stop() is `late` (it
 * stays lost for the window); a report of an earlier window that arrives during this one is `stray`
 * and is not counted, so an overloaded step's backlog never inflates the next step.
 */
export const sharedNow = () => performance.timeOrigin + performance.now();

export interface WindowResult {
  delivered: number;
  bytes: number;
  /** Latencies in ms, in arrival order (at most the capacity given to start()). */
  latencies: Float64Array;
  cpuMs: number;
  /** Wall time of the window, ms. */
  wallMs: number;
  rssMb: number;
  /** Reports of earlier windows that arrived during this one (not counted). */
  stray: number;
}

export class Recorder {
  private samples = new Float64Array(0);
  private count = 0;
  private bytes = 0;
  private cpuAt = process.cpuUsage();
  private startedAt = 0;
  /** undefined: count every report (the scale runs, whose synthetic sharer does not tag). */
  private tag: number | undefined;
  private recording = false;
  private lateCount = 0;
  private strayCount = 0;
  /** Every report seen, whatever its tag, recording or not: the settle wait watches it. */
  arrivals = 0;

  start(capacity: number, tag?: number): void {
    if (this.samples.length < capacity) this.samples = new Float64Array(capacity);
    this.count = 0;
    this.bytes = 0;
    this.tag = tag;
    this.lateCount = 0;
    this.strayCount = 0;
    this.recording = true;
    this.startedAt = sharedNow();
    this.cpuAt = process.cpuUsage();
  }

  add(stampMs: number, bytes: number, tag: number): void {
    this.arrivals++;
    if (this.tag !== undefined && tag !== this.tag) {
      this.strayCount++;
      return;
    }
    if (!this.recording) {
      this.lateCount++;
      return;
    }
    if (this.count < this.samples.length) this.samples[this.count] = sharedNow() - stampMs;
    this.count++;
    this.bytes += bytes;
  }

  get delivered(): number {
    return this.count;
  }

  /** Reports of the last window that arrived after its stop(). */
  get late(): number {
    return this.lateCount;
  }

  stop(): WindowResult {
    this.recording = false;
    const cpu = process.cpuUsage(this.cpuAt);
    return {
      delivered: this.count,
      bytes: this.bytes,
      latencies: this.samples.slice(0, Math.min(this.count, this.samples.length)),
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: sharedNow() - this.startedAt,
      rssMb: process.resourceUsage().maxRSS / 1024,
      stray: this.strayCount,
    };
  }
}
