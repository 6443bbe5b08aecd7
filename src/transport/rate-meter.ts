/** Counts events and bytes, and reports per-second rates over the last completed window. */
export class RateMeter {
  reports = 0;
  bytes = 0;
  reportsPerSecond = 0;
  bytesPerSecond = 0;
  private windowStart = 0;
  private windowReports = 0;
  private windowBytes = 0;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.windowStart = now();
  }

  add(bytes: number): void {
    this.reports += 1;
    this.bytes += bytes;
    this.windowReports += 1;
    this.windowBytes += bytes;
  }

  /** Closes the window when a second has passed; call it from a status timer. */
  tick(): void {
    const elapsed = this.now() - this.windowStart;
    if (elapsed < 1000) return;
    this.reportsPerSecond = Math.round((this.windowReports * 1000) / elapsed);
    this.bytesPerSecond = Math.round((this.windowBytes * 1000) / elapsed);
    this.windowStart += elapsed;
    this.windowReports = 0;
    this.windowBytes = 0;
  }
}
