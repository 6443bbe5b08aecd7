import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { describeError } from '../lib/messages.ts';

export type RequestOutcome =
  | { state: 'idle' }
  | { state: 'pending' }
  | { state: 'done'; text: string }
  | { state: 'failed'; text: string };

/**
 * One request to a device at a time, with its outcome in plain words for the host to show. A reply
 * that arrives after the host went away, or after a newer request, is dropped.
 */
export class RequestController implements ReactiveController {
  outcome: RequestOutcome = { state: 'idle' };
  private generation = 0;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get pending(): boolean {
    return this.outcome.state === 'pending';
  }

  /** `task` resolves to the text to show on success; its failure is described for people. */
  async run(task: () => Promise<string>): Promise<void> {
    const generation = ++this.generation;
    this.set({ state: 'pending' });
    let outcome: RequestOutcome;
    try {
      outcome = { state: 'done', text: await task() };
    } catch (error) {
      outcome = { state: 'failed', text: describeError(error) };
    }
    if (generation === this.generation) this.set(outcome);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.generation++;
  }

  private set(outcome: RequestOutcome): void {
    this.outcome = outcome;
    this.host.requestUpdate();
  }
}
