/**
 * The share page's stamp for WebHID input reports around a frozen page (src/ui/controllers/freeze-stamp.ts):
 * the backlog a thawed page dispatches is stamped with the moment it froze, so a receiver drops it;
 * reports before the freeze and once the backlog is drained carry the time they are dispatched.
 * tests/e2e/background-tab.test.ts checks the whole path with a real frozen page and `ferry receive`.
 */
import { describe, expect, it } from 'vitest';
import { FreezeAwareStamp, RESUME_BACKLOG_MS } from '../../../src/ui/controllers/freeze-stamp.ts';

function page() {
  const events = new EventTarget();
  let clock = 1_000;
  const queued: Array<() => void> = [];
  const stamp = new FreezeAwareStamp(
    events as unknown as Document,
    () => clock,
    (task) => queued.push(task),
  ).stamp;
  return {
    stamp,
    at: (ms: number) => {
      clock = ms;
    },
    fire: (type: 'freeze' | 'resume') => events.dispatchEvent(new Event(type)),
    drain: () => {
      for (const task of queued.splice(0)) task();
    },
  };
}

describe('FreezeAwareStamp', () => {
  it('stamps the time of dispatch when the page never froze', () => {
    const p = page();
    p.at(5_000);
    expect(p.stamp()).toBe(5_000);
  });

  it('stamps the backlog of a freeze with the moment it froze, before and after resume', () => {
    const p = page();
    p.at(2_000);
    p.fire('freeze');
    p.at(12_000);
    expect(p.stamp()).toBe(2_000); // dispatched before the resume event
    p.fire('resume');
    p.drain();
    p.at(12_000 + RESUME_BACKLOG_MS - 1);
    expect(p.stamp()).toBe(2_000);
  });

  it('stamps the time of dispatch again once the backlog is drained and the window is over', () => {
    const p = page();
    p.at(2_000);
    p.fire('freeze');
    p.at(12_000);
    p.fire('resume');
    p.at(12_000 + RESUME_BACKLOG_MS);
    expect(p.stamp()).toBe(2_000); // the task posted at resume has not run: still the backlog
    p.drain();
    expect(p.stamp()).toBe(12_000 + RESUME_BACKLOG_MS);
    p.at(20_000);
    expect(p.stamp()).toBe(20_000);
  });
});
