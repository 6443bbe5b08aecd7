/**
 * Runs halves one after another. Synchronous halves pass messages straight through (no queue, no copy);
 * while an asynchronous half (WebCrypto, CompressionStream) is busy, later messages wait in a bounded
 * queue so that order is preserved end to end.
 */
import { PipelineError, toPipelineError } from './errors.ts';
import type { ChannelClass, Emit, StageHalf } from './stage.ts';

/** Messages waiting behind one async half; past this the peer is overloading us. */
export const MAX_QUEUED_MESSAGES = 4096;

export interface ChainHooks {
  reportError(error: PipelineError): void;
  /** Counts async work in flight so `idle()` can wait for it. */
  track(work: Promise<void>): void;
}

export interface Chain {
  push(bytes: Uint8Array, channel: ChannelClass): void;
  flush(): void;
  close(): void;
}

export interface ChainLink {
  readonly stage: string;
  create(emit: Emit): StageHalf;
}

class OrderedHalf {
  private readonly queue: Array<{ bytes: Uint8Array; channel: ChannelClass }> = [];
  private busy = false;

  constructor(
    readonly half: StageHalf,
    readonly stage: string,
    private readonly hooks: ChainHooks,
  ) {}

  push(bytes: Uint8Array, channel: ChannelClass): void {
    if (!this.busy) {
      this.run(bytes, channel);
      return;
    }
    if (this.queue.length >= MAX_QUEUED_MESSAGES) {
      this.hooks.reportError(
        new PipelineError('overload', `more than ${MAX_QUEUED_MESSAGES} messages queued`, this.stage),
      );
      return;
    }
    // The caller's bytes are borrowed; a queued message must own its copy.
    this.queue.push({ bytes: bytes.slice(), channel });
  }

  private run(bytes: Uint8Array, channel: ChannelClass): void {
    let result: void | Promise<void>;
    try {
      result = this.half.push(bytes, channel);
    } catch (error) {
      this.hooks.reportError(toPipelineError(error, this.stage));
      return;
    }
    if (!result) return;
    this.busy = true;
    this.hooks.track(
      result.then(
        () => this.resume(),
        (error: unknown) => {
          this.hooks.reportError(toPipelineError(error, this.stage));
          this.resume();
        },
      ),
    );
  }

  private resume(): void {
    this.busy = false;
    while (!this.busy) {
      const next = this.queue.shift();
      if (!next) return;
      this.run(next.bytes, next.channel);
    }
  }
}

/** Wires halves front to back; the last one emits into `sink`. */
export function buildChain(links: readonly ChainLink[], sink: Emit, hooks: ChainHooks): Chain {
  const runners: OrderedHalf[] = [];
  let next: Emit = sink;
  for (let i = links.length - 1; i >= 0; i--) {
    const link = links[i]!;
    const runner = new OrderedHalf(link.create(next), link.stage, hooks);
    runners.unshift(runner);
    next = (bytes, channel) => runner.push(bytes, channel);
  }
  const entry = next;
  return {
    push: entry,
    // Front to back, so what an early stage releases is held (and then released) by the later ones.
    flush: () => {
      for (const runner of runners) guard(hooks, runner.stage, () => runner.half.flush?.());
    },
    close: () => {
      for (const runner of runners) guard(hooks, runner.stage, () => runner.half.close?.());
    },
  };
}

function guard(hooks: ChainHooks, stage: string, action: () => void): void {
  try {
    action();
  } catch (error) {
    hooks.reportError(toPipelineError(error, stage));
  }
}
