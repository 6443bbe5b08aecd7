/**
 * The receiver's measurements: end-to-end latency of each report (shared clock: now − the sharer's stamp)
 * into a preallocated array, bytes, and the process's CPU time and peak RSS over the window.
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
}

export class Recorder {
  private samples = new Float64Array(0);
  private count = 0;
  private bytes = 0;
  private cpuAt = process.cpuUsage();
  private startedAt = 0;

  start(capacity: number): void {
    if (this.samples.length < capacity) this.samples = new Float64Array(capacity);
    this.count = 0;
    this.bytes = 0;
    this.startedAt = sharedNow();
    this.cpuAt = process.cpuUsage();
  }

  add(stampMs: number, bytes: number): void {
    if (this.count < this.samples.length) this.samples[this.count] = sharedNow() - stampMs;
    this.count++;
    this.bytes += bytes;
  }

  get delivered(): number {
    return this.count;
  }

  stop(): WindowResult {
    const cpu = process.cpuUsage(this.cpuAt);
    return {
      delivered: this.count,
      bytes: this.bytes,
      latencies: this.samples.slice(0, Math.min(this.count, this.samples.length)),
      cpuMs: (cpu.user + cpu.system) / 1000,
      wallMs: sharedNow() - this.startedAt,
      rssMb: process.resourceUsage().maxRSS / 1024,
    };
  }
}
