import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const inputReportsStyles = [
  sharedStyles,
  css`
    .scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      text-align: left;
      padding: 0.35rem 0.6rem;
      border-bottom: 1px solid var(--ferry-border);
      white-space: nowrap;
    }
    th {
      font-size: 0.8rem;
      color: var(--ferry-muted);
      font-weight: 600;
    }
    .num {
      text-align: right;
    }
    .hex {
      white-space: normal;
      overflow-wrap: anywhere;
      width: 100%;
    }
    .decoded {
      margin-top: 0.9rem;
    }
    .decoded h4 {
      font-size: 0.85rem;
      color: var(--ferry-muted);
      font-weight: 600;
    }
    .decoded ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
      gap: 0.4rem 1rem;
    }
    .axis {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 0.15rem 0.5rem;
      font-size: 0.9rem;
    }
    .value {
      text-align: right;
    }
    .bar {
      grid-column: 1 / -1;
      position: relative;
      height: 0.35rem;
      border-radius: 0.2rem;
      background: var(--ferry-field);
      border: 1px solid var(--ferry-border);
    }
    .bar span {
      position: absolute;
      top: -0.2rem;
      width: 0.25rem;
      height: 0.65rem;
      margin-left: -0.125rem;
      border-radius: 0.1rem;
      background: var(--ferry-accent);
    }
    .button {
      display: flex;
      justify-content: space-between;
      font-size: 0.9rem;
    }
    .badge {
      font-size: 0.8rem;
      padding: 0 0.5rem;
      border-radius: 1rem;
      border: 1px solid var(--ferry-border);
      color: var(--ferry-muted);
    }
    .button.on .badge {
      background: var(--ferry-ok);
      border-color: var(--ferry-ok);
      color: #fff;
    }
  `,
];
