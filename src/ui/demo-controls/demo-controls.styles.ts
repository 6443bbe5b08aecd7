import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const demoControlsStyles = [
  sharedStyles,
  css`
    :host {
      border-top: 1px solid var(--ferry-border);
      padding-top: 1rem;
    }
    .axes {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr));
      gap: 0.5rem 1.5rem;
      margin-bottom: 1rem;
    }
    .axis {
      display: grid;
      grid-template-columns: 2rem minmax(0, 1fr) 3rem;
      align-items: center;
      gap: 0.5rem;
      color: var(--ferry-text);
    }
    .axis input {
      width: 100%;
      padding: 0;
      min-height: 2rem;
      accent-color: var(--ferry-accent);
    }
    .axis-name {
      font-weight: 600;
    }
    output {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    button[aria-pressed='true'] {
      background: var(--ferry-accent);
      color: var(--ferry-on-accent);
    }
    button {
      touch-action: none;
      user-select: none;
    }
    .led-wrap {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
      margin-left: 0.5rem;
    }
    .led {
      display: inline-block;
      width: 1.1rem;
      height: 1.1rem;
      border-radius: 50%;
      background: #555;
      border: 2px solid var(--ferry-border);
    }
    .led.on {
      background: #3ee07a;
      box-shadow: 0 0 0.6rem #3ee07a;
    }
  `,
];
