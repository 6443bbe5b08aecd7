/**
 * `BENCH_PROFILE=1 npx tsx bench/receiver-page.ts`: the page's JavaScript functions by self time, from the
 * V8 sampling profiler over CDP, to see where a frame's script time goes. "(program)" is native work
 * outside JavaScript (paint, raster, compositing).
 */
import type { CDPSession } from 'playwright-core';

export async function topFunctions(cdp: CDPSession, ms: number, count = 25): Promise<string[]> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await new Promise((done) => setTimeout(done, ms));
  const { profile } = await cdp.send('Profiler.stop');
  const selfByNode = new Map<number, number>();
  profile.samples?.forEach((id, index) => {
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + (profile.timeDeltas?.[index] ?? 0));
  });
  const selfByName = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber}`;
    selfByName.set(key, (selfByName.get(key) ?? 0) + (selfByNode.get(node.id) ?? 0));
  }
  return [...selfByName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => `${(micros / 1000).toFixed(0)} ms ${name}`);
}
