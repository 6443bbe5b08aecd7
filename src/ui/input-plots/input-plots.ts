import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { HidDescriptorModel } from '../../hid/index.ts';
import { InputHistory } from '../lib/history/index.ts';
import type { ReceivedHidDevice } from '../lib/received-device.ts';
import { AxisChart, WINDOW_SECONDS } from './axis-chart.ts';
import { BARS_HEIGHT, drawBars } from './bars.ts';
import { inputPlotsStyles } from './input-plots.styles.ts';
import { drawLanes, LANE_HEIGHT } from './lanes.ts';
import { updateLegends } from './legends.ts';
import { type CanvasColours, canvasColours, colourOf } from './palette.ts';

const SLOW_EVERY_SECONDS = 0.25;

/** Main-thread time spent drawing, for the bench (bench/receiver-page.ts) and nothing else. */
export interface DrawStats {
  frames: number;
  totalMs: number;
  maxMs: number;
}

/**
 * A shared device's input over time: its axes (uPlot), which buttons were down when, and how old reports
 * are on arrival. Each report only goes into preallocated rings (lib/history); drawing happens at most once
 * per animation frame, whatever the report rate, and not at all while nothing arrives.
 */
export class FerryInputPlots extends LitElement {
  static override styles = inputPlotsStyles;

  @property({ attribute: false }) device: ReceivedHidDevice | undefined;
  @property({ attribute: false }) model: HidDescriptorModel | undefined;
  readonly drawStats: DrawStats = { frames: 0, totalMs: 0, maxMs: 0 };
  private history = new InputHistory(undefined);
  @query('.chart') private chartBox: HTMLElement | undefined;
  @query('canvas.lanes') private lanes: HTMLCanvasElement | undefined;
  @query('canvas.bars') private bars: HTMLCanvasElement | undefined;
  private chart: AxisChart | undefined;
  private colours: CanvasColours | undefined;
  private unsubscribe: (() => void) | undefined;
  private frame = 0;
  private slowDrawnAt = Number.NEGATIVE_INFINITY;
  private slowTimer: ReturnType<typeof setTimeout> | undefined;
  private lanesShowBars = true;
  private readonly resizes = new ResizeObserver(() => this.chart?.resize(this.chartBox?.clientWidth ?? 0));

  /** What the axis chart last drew ([times, axis 0, …], uPlot's data), for tests; empty before. */
  chartData(): ArrayLike<number>[] {
    return (this.chart?.data ?? []) as ArrayLike<number>[];
  }

  axisLabels(): string[] {
    return this.history.channels.axes.map((channel) => channel.label);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('device') || changed.has('model')) {
      this.stop();
      this.history = new InputHistory(this.model);
      this.chart?.destroy();
      this.chart = undefined;
      this.start();
    }
  }

  protected override updated(): void {
    this.colours ??= canvasColours(this);
    const box = this.chartBox;
    if (!this.chart && box && this.history.channels.axes.length > 0) {
      this.chart = new AxisChart(box, this.history.channels.axes, this.colours);
      this.resizes.observe(box);
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
    this.resizes.disconnect();
  }

  override render(): TemplateResult {
    const { axes, buttons } = this.history.channels;
    return html`<h3>Input over time</h3>
      ${axes.length === 0 ? nothing : this.renderAxes()}
      ${buttons.length === 0 ? nothing : this.renderButtons()}
      <figure data-testid="plot-latency">
        <figcaption id="latency-caption">
          How old reports are on arrival (this page's clock minus the sharer's stamp)
        </figcaption>
        <canvas class="bars" height=${BARS_HEIGHT} .style=${`height: ${BARS_HEIGHT}px`} role="img" aria-labelledby="latency-caption latency-summary"></canvas>
        <p class="muted" id="latency-summary" data-testid="latency-summary">No reports yet.</p>
      </figure>`;
  }

  private renderAxes(): TemplateResult {
    return html`<figure data-testid="plot-axes">
      <figcaption>Axes, last ${WINDOW_SECONDS} s (latest value in the legend)</figcaption>
      <div class="chart" role="img" aria-label="Line chart of the device's axes"></div>
      <ul class="legend">
        ${this.history.channels.axes.map(
          (channel, index) => html`<li data-testid="plot-axis" data-label=${channel.label} data-latest="">
            <span class="swatch" .style=${`background: ${colourOf(index)}`}></span>${channel.label}
            <output>–</output>
          </li>`,
        )}
      </ul>
    </figure>`;
  }

  private renderButtons(): TemplateResult {
    const { buttons } = this.history.channels;
    return html`<figure data-testid="plot-buttons">
      <figcaption>Buttons, last ${WINDOW_SECONDS} s (a bar while held)</figcaption>
      <canvas class="lanes" height=${buttons.length * LANE_HEIGHT}
        .style=${`height: ${buttons.length * LANE_HEIGHT}px`} role="img"
        aria-label="Timeline of the device's buttons"></canvas>
      <ul class="legend">
        ${buttons.map(
          (
            channel,
          ) => html`<li data-testid="plot-button" data-label=${channel.label} data-down="false" data-presses="0">
            ${channel.label}: <output>up, pressed 0 times</output>
          </li>`,
        )}
      </ul>
    </figure>`;
  }

  private start(): void {
    if (!this.device || this.unsubscribe || !this.isConnected) return;
    const origin = performance.timeOrigin;
    this.unsubscribe = this.device.onInput((reportId, data, stampMs) => {
      const now = performance.now();
      this.history.record(reportId, data, now, origin + now - stampMs);
      if (this.frame === 0) this.frame = requestAnimationFrame(this.draw);
    });
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
  }

  /** Lanes move while a bar is within the window; once none is, one last (empty) drawing is enough. */
  private lanesMove(now: number): boolean {
    const { buttons } = this.history;
    const visible = buttons.anyDown() || buttons.latestEdge >= now - WINDOW_SECONDS;
    const draw = visible || this.lanesShowBars;
    this.lanesShowBars = visible;
    return draw;
  }

  private readonly draw = (): void => {
    this.frame = 0;
    const colours = this.colours;
    if (!colours || !this.renderRoot) return;
    const started = performance.now();
    const now = started / 1000;
    const { history } = this;
    const columns = history.axes.window();
    this.chart?.draw(columns, now);
    if (this.lanes && this.lanesMove(now))
      drawLanes(this.lanes, history.channels.buttons, history.buttons, now, colours);
    // Counts and numbers people read need no 60 Hz: a quarter of a second keeps paint work per frame small.
    if (now - this.slowDrawnAt >= SLOW_EVERY_SECONDS) {
      this.slowDrawnAt = now;
      if (this.bars) drawBars(this.bars, history.latency, colours);
      updateLegends(this.renderRoot, history, columns);
    } else if (this.slowTimer === undefined) {
      // The last reports of a burst still reach the histogram and legends.
      this.slowTimer = setTimeout(() => {
        this.slowTimer = undefined;
        if (this.frame === 0 && this.unsubscribe) this.frame = requestAnimationFrame(this.draw);
      }, SLOW_EVERY_SECONDS * 1000);
    }
    // A held button's bar keeps growing, so keep drawing while one is down (the demo sends nothing then).
    if (history.buttons.anyDown() && this.frame === 0 && this.unsubscribe)
      this.frame = requestAnimationFrame(this.draw);
    const spent = performance.now() - started;
    this.drawStats.frames += 1;
    this.drawStats.totalMs += spent;
    this.drawStats.maxMs = Math.max(this.drawStats.maxMs, spent);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-input-plots': FerryInputPlots;
  }
}
