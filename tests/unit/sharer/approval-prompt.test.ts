/**
 * Approve / Deny on the terminal: one question per waiting receiver in arrival order, answered by a
 * line on stdin (here a real stream); once stdin has ended every receiver still or later waiting is
 * denied, and says why.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ApprovalPrompt } from '../../../src/sharer/index.ts';
import type { PeerStatus } from '../../../src/transport/index.ts';

const peer = (name: string): PeerStatus => ({
  peerId: `id-${name}`,
  name,
  state: 'waiting',
  pipeline: 'bundle(window=1ms,max=65536,repeat=0)',
  permission: undefined,
  verification: `${name} words`,
  refused: [],
  path: undefined,
});

function setup() {
  const input = new PassThrough();
  const lines: string[] = [];
  const decisions: string[] = [];
  const prompt = new ApprovalPrompt({
    input,
    err: (line) => lines.push(line),
    approve: (p) => decisions.push(`approve ${p.name}`),
    deny: (p) => decisions.push(`deny ${p.name}`),
  });
  const type = async (text: string) => {
    input.write(text);
    await new Promise((done) => setImmediate(done));
  };
  return { input, lines, decisions, prompt, type };
}

describe('ApprovalPrompt', () => {
  it('asks about one receiver at a time, in order; y or yes approves, anything else denies', async () => {
    const { lines, decisions, prompt, type } = setup();
    prompt.ask(peer('a'));
    prompt.ask(peer('b'));
    prompt.ask(peer('c'));
    expect(lines).toEqual([
      'ferry: a asks to receive; check words: a words',
      'ferry: approve a? type y and Enter to approve, anything else to deny',
    ]);
    await type('y\n');
    expect(lines.at(-2)).toBe('ferry: b asks to receive; check words: b words');
    await type('maybe\n');
    await type(' YES \n');
    expect(decisions).toEqual(['approve a', 'deny b', 'approve c']);
    expect(lines).toContain('ferry: denied b');
    await type('y\n'); // nobody is waiting: an answer to nothing changes nothing
    expect(decisions).toHaveLength(3);
    prompt.close();
  });

  it('once stdin has ended, the waiting and every later receiver are denied, saying why', async () => {
    const { input, lines, decisions, prompt } = setup();
    prompt.ask(peer('a'));
    input.end();
    await new Promise((done) => setImmediate(done));
    prompt.ask(peer('b'));
    expect(decisions).toEqual(['deny a', 'deny b']);
    expect(lines.at(-1)).toBe('ferry: denied b: stdin is closed, so nobody can approve it (see --anyone)');
  });
});
