/**
 * How `ferry receive` lives through its links (docs/receiver.md, "When the link goes down"): the
 * session's devices go to the sinks through a DeviceKeeper, so a link that goes down leaves them on this
 * machine for the grace period; a sharer that comes back with the same device resumes it. Without
 * --keep, a sharer that stops sharing (goodbye) still ends the run at once, and one that vanished ends
 * it when the grace has passed without it; with --keep the run waits for a sharer as long as it runs.
 */
import type { ReceiverSession } from '../transport/index.ts';
import { DeviceKeeper, type KeptDevice, keptForLinkDown, Outages, VirtualUsbDevice } from './keep/index.ts';
import type { Sink } from './sinks/types.ts';

export interface LinkLifeOptions {
  /** --keep: stay up when the sharer leaves, even with goodbye. */
  readonly keep: boolean;
  /** --grace, ms. */
  readonly graceMs: number;
  /** --fresh, ms. */
  readonly freshMs: number;
  readonly requestTimeoutMs: number;
  readonly err: (line: string) => void;
}

/** How the life of the links can end the run. */
export interface LinkLifeEnds {
  /** The sharer stopped sharing and --keep is off: a normal end. */
  stopped(reason: string): void;
  /** No sharer came back within the grace (without --keep). */
  gone(reason: string): void;
}

export interface LinkLife {
  readonly keeper: DeviceKeeper;
  readonly outages: Outages;
  /** The run ends: kept devices leave the sinks, the grace timer stops. */
  close(why: string): void;
}

export function followLinkLife(
  session: ReceiverSession,
  sink: Sink,
  options: LinkLifeOptions,
  ends: LinkLifeEnds,
): LinkLife {
  const { err } = options;
  const graceSeconds = options.graceMs / 1000;
  const keeper = new DeviceKeeper(options, {
    removed: (device, why) => err(`ferry: removed ${device.name}: ${why}`),
  });
  const outages = new Outages();
  let graceTimer: ReturnType<typeof setTimeout> | undefined;

  session.on('link-down', (down) => {
    const { reason, kind } = down;
    if (kind === 'closed' && !options.keep) return ends.stopped(reason);
    // With --keep a page that went away is kept like any sharer; without, only as long as a reload takes.
    const pageLeft = options.keep ? undefined : keptForLinkDown(down);
    const keptMs = Math.min(options.graceMs, pageLeft?.ms ?? options.graceMs);
    const kept = keeper.linkDown(pageLeft);
    outages.begin();
    const waiting = options.keep
      ? 'waiting for a sharer as long as this runs (--keep)'
      : `waiting up to ${keptMs / 1000} s for the sharer to come back${pageLeft ? '' : ' (--grace)'}`;
    err(`ferry: link down: ${reason}; keeping ${kept} device(s) for ${keptMs / 1000} s; ${waiting}`);
    if (options.keep || graceTimer !== undefined) return;
    // A page that does not come back was closed: a stop (exit 0), not a sharer gone missing (exit 5).
    graceTimer = setTimeout(
      () =>
        pageLeft
          ? ends.stopped(pageLeft.why)
          : ends.gone(`the sharer did not come back within ${graceSeconds} s (--grace)`),
      keptMs,
    );
  });
  // A stall is an outage for the stats line ("reconnecting (n s)", the count), but starts no grace.
  session.on('link-stall', ({ stalled }) => {
    if (!stalled) {
      const lasted = outages.end() ?? 0;
      err(
        `ferry: link answers again after ${(lasted / 1000).toFixed(1)} s (stalled; outage ${outages.count})`,
      );
      return;
    }
    outages.begin();
    const released = keeper.stall();
    err(
      `ferry: link stalled: no answer from the sharer; released ${released} device(s), dropping what is older than ${options.freshMs} ms when it answers (--fresh)`,
    );
  });
  session.on('connected', () => {
    clearTimeout(graceTimer);
    graceTimer = undefined;
    const lasted = outages.end();
    if (lasted !== undefined)
      err(`ferry: reconnected after ${(lasted / 1000).toFixed(1)} s (outage ${outages.count})`);
  });
  const resumedLine = (device: KeptDevice, swapped: boolean) =>
    err(
      swapped
        ? `ferry: swapped ${device.name}: the sharer replaced it with an equivalent device, carried on here`
        : `ferry: resumed ${device.name}: the same device, kept on this machine`,
    );
  session.on('device', (source) => {
    const { device, resumed, swapped } = keeper.take(source);
    if (resumed) resumedLine(device, swapped);
    else present(sink.attach(device), sink, device, err);
  });
  session.on('usb-device', (source) => {
    const { device, resumed, swapped } = keeper.takeUsb(source);
    if (resumed) resumedLine(device, swapped);
    else if (sink.attachUsb) present(sink.attachUsb(device), sink, device, err);
  });

  return {
    keeper,
    outages,
    close: (why) => {
      clearTimeout(graceTimer);
      keeper.removeAll(why);
    },
  };
}

/** Once the sinks present the device, what a person does next to use it; or why they could not. */
function present(attached: Promise<void>, sink: Sink, device: KeptDevice, err: (line: string) => void): void {
  attached
    .then(() => {
      for (const line of sink.describe?.(device) ?? []) err(`ferry: ${line}`);
    })
    .catch((error: Error) =>
      err(`ferry: ${device instanceof VirtualUsbDevice ? `${device.name}: ` : ''}${error.message}`),
    );
}
