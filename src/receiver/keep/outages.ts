/** The link's outages for the stats line and log: "reconnecting (n s)" while down, how many, how long. */
export class Outages {
  count = 0;
  private downSince: number | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** The link went down (a second call during one outage changes nothing). */
  begin(): void {
    if (this.downSince !== undefined) return;
    this.downSince = this.now();
    this.count += 1;
  }

  /** The link is back: how long it was down, in ms (undefined when it was not down). */
  end(): number | undefined {
    if (this.downSince === undefined) return undefined;
    const lasted = this.now() - this.downSince;
    this.downSince = undefined;
    return lasted;
  }

  /** For the stats line: ", reconnecting (12 s), 1 outage" (empty before the first outage). */
  describe(): string {
    if (this.count === 0) return '';
    const reconnecting =
      this.downSince === undefined
        ? ''
        : `, reconnecting (${Math.round((this.now() - this.downSince) / 1000)} s)`;
    return `${reconnecting}, ${this.count} outage${this.count === 1 ? '' : 's'}`;
  }
}
