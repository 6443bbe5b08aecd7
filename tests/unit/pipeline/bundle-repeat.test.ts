import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLink, hexOf, inputFrame, type Link } from './helpers.ts';

/** A 64-byte report whose first two bytes number it, like the bench's 8 kHz device. */
const report = (n: number) =>
  inputFrame(
    n / 8,
    Array.from({ length: 64 }, (_, i) => (i < 2 ? (n >> (8 * i)) & 0xff : i)),
  );

/**
 * A link whose unreliable messages are numbered as they leave the sharer; `drop(n)` decides whether the
 * n-th one is lost on the way.
 */
function lossyLink(spec: string, drop: (n: number) => boolean, receiverSpec?: string, backlog = () => 0) {
  let unreliable = 0;
  return createLink(spec, {
    receiverSpec,
    backlog,
    tamper: (message, channel) =>
      channel === 'unreliable' && drop(unreliable++) ? [] : [[message, channel]],
  });
}

/** `bursts` windows of `perBurst` reports each, one window per millisecond (an 8 kHz mouse). */
async function send(link: Link, bursts: number, perBurst = 8): Promise<Uint8Array[]> {
  const sent: Uint8Array[] = [];
  for (let burst = 0; burst < bursts; burst++) {
    for (let i = 0; i < perBurst; i++) {
      const frame = report(burst * perBurst + i);
      sent.push(frame);
      link.sharer.outbound.push(frame);
    }
    link.clock.advance(1);
  }
  await link.settle();
  return sent;
}

const unreliableMessages = (link: Link) => link.wire.filter((entry) => entry.channel === 'unreliable');

describe('bundle(repeat)', () => {
  it('recovers a message lost between two: the next one carries its reports again', async () => {
    const link = lossyLink('seq,bundle(1ms,repeat=1)', (n) => n === 3);
    const sent = await send(link, 10);
    expect(link.atReceiver.map(hexOf)).toEqual(sent.map(hexOf));
    expect(link.losses).toEqual([]);
    expect(link.errors).toEqual([]);
  });

  it('loses the same message for good without repeat (the control)', async () => {
    const link = lossyLink('seq,bundle(1ms)', (n) => n === 3);
    const sent = await send(link, 10);
    const lost = link.losses.reduce((total, event) => total + event.lost, 0);
    expect(lost).toBeGreaterThan(0);
    expect(link.atReceiver).toHaveLength(sent.length - lost);
  });

  it('delivers each report once, in order, though every report travels twice', async () => {
    const link = lossyLink('seq,bundle(1ms,repeat=1)', () => false);
    const sent = await send(link, 20);
    expect(link.atReceiver.map(hexOf)).toEqual(sent.map(hexOf));
    // Every unreliable message after the first carries the one before it: about twice the bytes.
    const bytes = unreliableMessages(link).reduce((total, entry) => total + entry.message.length, 0);
    const once = lossyLink('seq,bundle(1ms)', () => false);
    await send(once, 20);
    const bytesOnce = unreliableMessages(once).reduce((total, entry) => total + entry.message.length, 0);
    expect(bytes).toBeGreaterThan(1.8 * bytesOnce);
  });

  it('bounds the new items of a message to one packet, repeats on top', async () => {
    const link = lossyLink('seq,bundle(1ms,repeat=2)', () => false);
    await send(link, 10, 40);
    for (const { message } of unreliableMessages(link)) expect(message.length).toBeLessThanOrEqual(3 * 1024);
    expect(link.atReceiver).toHaveLength(400);
  });

  it('needs nothing of the receiver: one without repeat reads a repeating sender', async () => {
    const link = lossyLink('seq,bundle(1ms,repeat=1)', (n) => n % 2 === 1, 'seq,bundle(1ms)');
    const sent = await send(link, 11); // messages 0…10: the last one arrives
    expect(link.atReceiver.map(hexOf)).toEqual(sent.map(hexOf));
  });

  it('repeats nothing while the unreliable channel is backed up, and again once it clears', async () => {
    let queued = 20_000; // above REPEAT_BACKLOG_BYTES: repeats would only bring the 64 KiB drop sooner
    const link = lossyLink(
      'seq,bundle(1ms,repeat=1)',
      () => false,
      undefined,
      () => queued,
    );
    const sent = await send(link, 5);
    const backedUp = unreliableMessages(link).map((entry) => entry.message.length);
    queued = 0;
    sent.push(...(await send(link, 5)));
    const clear = unreliableMessages(link)
      .slice(5)
      .map((entry) => entry.message.length);
    expect(link.atReceiver.map(hexOf)).toEqual(sent.map(hexOf));
    expect(Math.max(...backedUp)).toBeLessThan(1024);
    expect(Math.min(...clear)).toBeGreaterThan(1.8 * Math.min(...backedUp));
  });

  it('repeats only unreliable bundles: reliable frames arrive once, as sent', async () => {
    const link = lossyLink('bundle(1ms,repeat=3)', () => false);
    const sent = await send(link, 5);
    expect(link.atReceiver.map(hexOf)).toEqual(sent.map(hexOf));
    expect(link.wire.reduce((total, entry) => total + entry.message.length, 0)).toBeLessThan(
      sent.reduce((total, frame) => total + frame.length + 2, 0) + link.wire.length,
    );
  });

  it('delivers every report exactly once, in order, when no k + 1 messages in a row are lost', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        // ≤ 11 reports of 64 bytes fit one unreliable bundle, so each burst is one message.
        fc.integer({ min: 1, max: 11 }),
        async (repeat, pattern, perBurst) => {
          // At most `repeat` losses in a row, and the last message arrives (nothing after it could repair it).
          const drops = limitRuns(pattern, repeat);
          const link = lossyLink(`seq,bundle(1ms,repeat=${repeat})`, (n) => drops[n] ?? false);
          const sent = await send(link, drops.length, perBurst);
          expect(unreliableMessages(link)).toHaveLength(drops.length);
          expect(link.atReceiver.map(hexOf)).toEqual(sent.map(hexOf));
          expect(link.losses).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** The pattern with every run of `true` cut to `max`, and its last entry false. */
function limitRuns(pattern: readonly boolean[], max: number): boolean[] {
  let run = 0;
  const limited = pattern.map((drop) => {
    run = drop && run < max ? run + 1 : 0;
    return run > 0;
  });
  limited[limited.length - 1] = false;
  return limited;
}
