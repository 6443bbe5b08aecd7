import { createInterface, type Interface } from 'node:readline';
import type { PeerStatus } from '../transport/index.ts';

export interface ApprovalAnswers {
  /** Lines typed by the person sharing (stdin): `y` or `yes` approves, anything else denies. */
  input: NodeJS.ReadableStream;
  err: (line: string) => void;
  approve(peer: PeerStatus): void;
  deny(peer: PeerStatus): void;
}

const YES = /^\s*y(es)?\s*$/i;

/**
 * The share page's Approve / Deny for a terminal: one question per waiting receiver, in the order they
 * came, each showing the receiver's name and check words; the answer is a line on stdin. Once stdin has
 * ended nobody can answer, so every receiver still or later waiting is denied (and told so here).
 */
export class ApprovalPrompt {
  private readonly queue: PeerStatus[] = [];
  private readonly lines: Interface;
  private ended = false;

  constructor(private readonly answers: ApprovalAnswers) {
    this.lines = createInterface({ input: answers.input });
    this.lines.on('line', (line) => this.answer(YES.test(line)));
    this.lines.on('close', () => {
      this.ended = true;
      for (const peer of this.queue.splice(0)) this.denyUnasked(peer);
    });
  }

  ask(peer: PeerStatus): void {
    if (this.ended) {
      this.denyUnasked(peer);
      return;
    }
    this.queue.push(peer);
    if (this.queue.length === 1) this.prompt(peer);
  }

  close(): void {
    this.lines.removeAllListeners('close');
    this.lines.close();
  }

  private prompt(peer: PeerStatus): void {
    this.answers.err(`ferry: ${peer.name} asks to receive; check words: ${peer.verification ?? '?'}`);
    this.answers.err(`ferry: approve ${peer.name}? type y and Enter to approve, anything else to deny`);
  }

  private answer(yes: boolean): void {
    const peer = this.queue.shift();
    if (peer === undefined) return;
    if (yes) this.answers.approve(peer);
    else {
      this.answers.err(`ferry: denied ${peer.name}`);
      this.answers.deny(peer);
    }
    const next = this.queue[0];
    if (next !== undefined) this.prompt(next);
  }

  private denyUnasked(peer: PeerStatus): void {
    this.answers.err(`ferry: denied ${peer.name}: stdin is closed, so nobody can approve it (see --anyone)`);
    this.answers.deny(peer);
  }
}
