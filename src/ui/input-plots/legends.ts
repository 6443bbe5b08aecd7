import { type InputHistory, LATENCY_BIN_EDGES_MS } from '../lib/history/index.ts';

/**
 * Writes the latest values into the legends straight into the DOM (a Lit render per frame would cost more
 * than the drawing). Each axis's `data-latest` is the newest row of the very columns the chart drew.
 */
export function updateLegends(root: ParentNode, history: InputHistory, columns: Float64Array[]): void {
  const axes = root.querySelectorAll<HTMLElement>('[data-testid="plot-axis"]');
  axes.forEach((item, axis) => {
    const column = columns[axis + 1];
    const latest = column === undefined || column.length === 0 ? '' : String(column[column.length - 1]);
    if (item.dataset.latest === latest) return;
    item.dataset.latest = latest;
    const output = item.querySelector('output');
    if (output) output.textContent = latest;
  });
  const buttons = root.querySelectorAll<HTMLElement>('[data-testid="plot-button"]');
  buttons.forEach((item, button) => {
    const down = String(history.buttons.isDown(button));
    const presses = String(history.buttons.presses(button));
    if (item.dataset.down === down && item.dataset.presses === presses) return;
    item.dataset.down = down;
    item.dataset.presses = presses;
    const output = item.querySelector('output');
    if (output)
      output.textContent = `${down === 'true' ? 'down' : 'up'}, pressed ${presses} time${presses === '1' ? '' : 's'}`;
  });
  const summary = root.querySelector<HTMLElement>('[data-testid="latency-summary"]');
  if (summary) writeLatencySummary(summary, history);
}

function writeLatencySummary(summary: HTMLElement, history: InputHistory): void {
  const { latency } = history;
  const counts = latency.counts.join(',');
  if (summary.dataset.counts === counts) return;
  summary.dataset.counts = counts;
  summary.dataset.total = String(latency.total);
  const median = bound(latency.quantileBound(0.5));
  const p99 = bound(latency.quantileBound(0.99));
  summary.textContent = `${latency.total.toLocaleString()} reports · half ${median} · 99 % ${p99} · latest ${latency.latestMs.toFixed(1)} ms`;
}

/** "under 2 ms", or for the open last bin "at 500 ms or more". */
function bound(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return Number.isFinite(ms) ? `under ${ms} ms` : `at ${LATENCY_BIN_EDGES_MS.at(-1)} ms or more`;
}
