import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const shareStatusStyles = [
  sharedStyles,
  css`
    dl {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
      gap: 0.75rem;
      margin: 0;
    }
    dl > div {
      padding: 0.6rem 0.8rem;
      border: 1px solid var(--ferry-border);
      border-radius: var(--ferry-radius);
    }
    dt {
      font-size: 0.8rem;
      text-transform: uppercase;
      letter-spacing: 0.04em;
      color: var(--ferry-muted);
    }
    dd {
      margin: 0.2rem 0 0;
      font-variant-numeric: tabular-nums;
      overflow-wrap: anywhere;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .dot {
      display: inline-block;
      width: 0.6rem;
      height: 0.6rem;
      border-radius: 50%;
      margin-right: 0.4rem;
      background: var(--ferry-muted);
    }
    .dot.open {
      background: var(--ferry-ok);
    }
    .path {
      margin: 0.1rem 0 0 1rem;
      font-size: 0.85rem;
    }
    .refused {
      margin: 0.1rem 0 0 1rem;
      font-size: 0.85rem;
      color: var(--ferry-danger);
    }
    .dot.connecting,
    .dot.verifying {
      background: var(--ferry-warn);
    }
    .dot.waiting {
      background: var(--ferry-warn);
    }
    .access {
      margin: 0.25rem 0 0.5rem 1rem;
    }
    .access select,
    .access button {
      min-height: 2rem;
      padding-block: 0.2rem;
    }
    .verification {
      margin: 0.15rem 0 0 1rem;
      font-size: 0.9rem;
    }
  `,
];
