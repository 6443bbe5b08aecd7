import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { InputReportLog } from '../lib/input-log.ts';
import type { ReceivedHidDevice } from '../lib/received-device.ts';
import { ThrottledUpdateController } from './throttled-update.ts';

/**
 * Follows one remote device's input reports into an InputReportLog and re-renders the host at most ten
 * times a second, however fast reports arrive.
 */
export class InputMonitorController implements ReactiveController {
  log = new InputReportLog();
  private readonly throttle: ThrottledUpdateController;
  private device: ReceivedHidDevice | undefined;
  private unsubscribe: (() => void) | undefined;
  private rateTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    this.throttle = new ThrottledUpdateController(host, 100);
    host.addController(this);
  }

  /** Starts following `device` (or nothing); a no-op when it is already the one followed. */
  watch(device: ReceivedHidDevice | undefined): void {
    if (device === this.device) return;
    this.stop();
    this.device = device;
    this.log = new InputReportLog();
    this.start();
  }

  hostConnected(): void {
    this.start();
  }

  hostDisconnected(): void {
    this.stop();
  }

  private start(): void {
    if (!this.device || this.unsubscribe) return;
    this.unsubscribe = this.device.onInput((reportId, data, timestampMs) => {
      this.log.record(reportId, data, timestampMs);
      this.throttle.schedule();
    });
    this.rateTimer = setInterval(() => {
      if (this.log.tick()) this.host.requestUpdate();
    }, 250);
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.rateTimer);
    this.rateTimer = undefined;
  }
}
