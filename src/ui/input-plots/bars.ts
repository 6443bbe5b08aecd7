import { LATENCY_BIN_LABELS, type LatencyHistogram } from '../lib/history/index.ts';
import { type CanvasColours, fitCanvas } from './palette.ts';

export const BARS_HEIGHT = 120;
const LABEL_HEIGHT = 16;

/** The latency histogram: one bar per bin, scaled to the fullest bin, with its label underneath. */
export function drawBars(
  canvas: HTMLCanvasElement,
  histogram: LatencyHistogram,
  colours: CanvasColours,
): void {
  const context = fitCanvas(canvas, BARS_HEIGHT);
  if (!context) return;
  const width = canvas.clientWidth;
  const { counts } = histogram;
  let fullest = 1;
  for (let bin = 0; bin < counts.length; bin++) fullest = Math.max(fullest, counts[bin]!);
  const slot = width / counts.length;
  const barSpace = BARS_HEIGHT - LABEL_HEIGHT - 4;
  context.clearRect(0, 0, width, BARS_HEIGHT);
  context.font = '10px system-ui, sans-serif';
  context.textAlign = 'center';
  context.textBaseline = 'top';
  for (let bin = 0; bin < counts.length; bin++) {
    const bar = (counts[bin]! / fullest) * barSpace;
    context.fillStyle = colours.accent;
    context.fillRect(bin * slot + 2, 2 + barSpace - bar, Math.max(1, slot - 4), bar);
    context.fillStyle = colours.muted;
    context.fillText(LATENCY_BIN_LABELS[bin]!, bin * slot + slot / 2, BARS_HEIGHT - LABEL_HEIGHT, slot - 2);
  }
}
