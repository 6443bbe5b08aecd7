import type { ButtonEdges, PlotChannel } from '../lib/history/index.ts';
import { WINDOW_SECONDS } from './axis-chart.ts';
import { type CanvasColours, colourOf, fitCanvas } from './palette.ts';

export const LANE_HEIGHT = 16;
const LABEL_WIDTH = 72;

/** One lane per button over the same window as the axes: a bar wherever the button was down. */
export function drawLanes(
  canvas: HTMLCanvasElement,
  buttons: readonly PlotChannel[],
  edges: ButtonEdges,
  nowSeconds: number,
  colours: CanvasColours,
): void {
  const height = buttons.length * LANE_HEIGHT;
  const context = fitCanvas(canvas, height);
  if (!context) return;
  const width = canvas.clientWidth;
  const plotWidth = Math.max(1, width - LABEL_WIDTH);
  const since = nowSeconds - WINDOW_SECONDS;
  const xOf = (seconds: number) => LABEL_WIDTH + ((seconds - since) / WINDOW_SECONDS) * plotWidth;
  context.clearRect(0, 0, width, height);
  context.font = '11px system-ui, sans-serif';
  context.textBaseline = 'middle';
  for (let lane = 0; lane < buttons.length; lane++) {
    const y = lane * LANE_HEIGHT;
    context.fillStyle = colours.muted;
    context.fillText(buttons[lane]!.label, 4, y + LANE_HEIGHT / 2, LABEL_WIDTH - 8);
    context.fillStyle = colours.border;
    context.fillRect(LABEL_WIDTH, y + LANE_HEIGHT - 1, plotWidth, 1);
  }
  edges.spans(since, nowSeconds, (button, from, to) => {
    context.fillStyle = colourOf(button);
    const left = xOf(from);
    context.fillRect(left, button * LANE_HEIGHT + 3, Math.max(2, xOf(to) - left), LANE_HEIGHT - 6);
  });
}
