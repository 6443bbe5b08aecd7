import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

/**
 * The plots' layout, and the part of uPlot's own stylesheet (uplot/dist/uPlot.min.css) that a chart without
 * legend, title or cursor needs: it lives in this shadow root, where a page-wide stylesheet would not reach.
 */
export const inputPlotsStyles = [
  sharedStyles,
  css`
    figure {
      margin: 0 0 1rem;
    }
    figcaption {
      font-size: 0.85rem;
      color: var(--ferry-muted);
      margin-bottom: 0.3rem;
    }
    .chart {
      width: 100%;
      min-height: 180px;
    }
    canvas.lanes,
    canvas.bars {
      display: block;
      width: 100%;
      border: 1px solid var(--ferry-border);
      border-radius: var(--ferry-radius);
    }
    ul.legend {
      display: flex;
      flex-wrap: wrap;
      gap: 0.3rem 0.9rem;
      list-style: none;
      margin: 0.3rem 0 0;
      padding: 0;
      font-size: 0.85rem;
    }
    ul.legend li {
      display: inline-flex;
      align-items: center;
      gap: 0.3rem;
    }
    .swatch {
      display: inline-block;
      width: 0.8rem;
      height: 0.25rem;
      border-radius: 2px;
    }
    output {
      font-variant-numeric: tabular-nums;
    }
    .uplot,
    .uplot * {
      box-sizing: border-box;
    }
    .uplot {
      line-height: 1.5;
      width: min-content;
    }
    .u-wrap {
      position: relative;
      user-select: none;
    }
    .u-over,
    .u-under {
      position: absolute;
    }
    .u-under {
      overflow: hidden;
    }
    .uplot canvas {
      display: block;
      position: relative;
      width: 100%;
      height: 100%;
    }
    .u-axis {
      position: absolute;
    }
  `,
];
