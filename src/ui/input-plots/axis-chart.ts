import uPlot from 'uplot';
import type { PlotChannel } from '../lib/history/index.ts';
import { type CanvasColours, colourOf } from './palette.ts';

export const WINDOW_SECONDS = 5;
const HEIGHT = 180;

/**
 * The axes over the last WINDOW_SECONDS as one uPlot line chart: x is the receive time in seconds, shown
 * as seconds before now; y spans every axis's logical range. Cursor, legend and zoom are off — the page's
 * own legend shows the latest values — so a redraw is only uPlot's path building over the visible rows.
 */
export class AxisChart {
  private readonly plot: uPlot;
  private now = 0;

  constructor(target: HTMLElement, channels: readonly PlotChannel[], colours: CanvasColours) {
    const min = Math.min(...channels.map((channel) => channel.min));
    const max = Math.max(...channels.map((channel) => channel.max));
    const grid = { stroke: colours.border, width: 1 };
    const axis = { stroke: colours.muted, grid, ticks: grid };
    this.plot = new uPlot(
      {
        width: Math.max(200, target.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        scales: { x: { time: false, auto: false }, y: { auto: false, range: [min, max] } },
        axes: [
          { ...axis, values: (_plot, splits) => splits.map((split) => `${(split - this.now).toFixed(1)} s`) },
          { ...axis, size: 48 },
        ],
        series: [
          {},
          ...channels.map((channel, index) => ({
            label: channel.label,
            stroke: colourOf(index),
            width: 1,
            points: { show: false },
          })),
        ],
      },
      [[], ...channels.map(() => [])],
      target,
    );
  }

  /** `columns` are AxisRing.window() views; `nowSeconds` ends the visible window. */
  draw(columns: Float64Array[], nowSeconds: number): void {
    this.now = nowSeconds;
    this.plot.batch(() => {
      this.plot.setData(columns as unknown as uPlot.AlignedData, false);
      this.plot.setScale('x', { min: nowSeconds - WINDOW_SECONDS, max: nowSeconds });
    });
  }

  resize(width: number): void {
    if (width > 0 && Math.round(width) !== this.plot.width) this.plot.setSize({ width, height: HEIGHT });
  }

  /** The data the chart last drew (what the page's test hook reads). */
  get data(): uPlot.AlignedData {
    return this.plot.data;
  }

  destroy(): void {
    this.plot.destroy();
  }
}
