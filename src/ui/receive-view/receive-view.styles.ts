import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const receiveViewStyles = [
  sharedStyles,
  css`
    :host {
      display: grid;
      gap: 1.25rem;
    }
    .state {
      font-size: 1.05rem;
      font-weight: 500;
    }
    .dot {
      display: inline-block;
      width: 0.7rem;
      height: 0.7rem;
      border-radius: 50%;
      margin-right: 0.5rem;
      background: var(--ferry-warn);
    }
    .connected .dot {
      background: var(--ferry-ok);
    }
    .ended .dot,
    .failed .dot {
      background: var(--ferry-danger);
    }
    a {
      color: var(--ferry-accent);
    }
    .waiting {
      text-align: center;
    }
  `,
];
