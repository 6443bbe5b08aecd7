import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Asks the host to render at most once per interval however often `schedule()` is called, so a device
 * sending a thousand reports a second costs ten renders, not a thousand.
 */
export class ThrottledUpdateController implements ReactiveController {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastUpdate = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly intervalMs = 100,
  ) {
    host.addController(this);
  }

  schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastUpdate + this.intervalMs - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastUpdate = performance.now();
      this.host.requestUpdate();
    }, wait);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
