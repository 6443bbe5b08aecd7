import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const shareInviteStyles = [
  sharedStyles,
  css`
    .invite {
      display: flex;
      flex-wrap: wrap;
      gap: 1rem 1.5rem;
      align-items: center;
    }
    .text {
      flex: 1 1 18rem;
      min-width: 0;
    }
    .link-row {
      flex-wrap: nowrap;
    }
    .link {
      flex: 1 1 auto;
      width: 100%;
    }
    .code {
      font-size: 1.15rem;
      padding: 0.1rem 0.4rem;
      border-radius: var(--ferry-radius);
      background: var(--ferry-field);
      border: 1px solid var(--ferry-border);
      user-select: all;
    }
    .warning {
      margin: 0.6rem 0 0;
      padding: 0.4rem 0.6rem;
      border-left: 3px solid var(--ferry-warning, #b26a00);
      background: var(--ferry-field);
      font-size: 0.9rem;
    }
    .code-line {
      margin-top: 0.75rem;
      line-height: 2;
    }
    figure {
      margin: 0 auto;
      text-align: center;
    }
    canvas {
      display: block;
      width: 176px;
      height: 176px;
      border-radius: var(--ferry-radius);
      background: #fff;
    }
    figcaption {
      font-size: 0.85rem;
      margin-top: 0.25rem;
    }
  `,
];
