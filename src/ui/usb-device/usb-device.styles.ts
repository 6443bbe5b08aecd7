import { css } from 'lit';
import { keptStyles } from '../lib/kept-state.ts';
import { sharedStyles } from '../styles/shared.styles.ts';

export const usbDeviceStyles = [
  sharedStyles,
  keptStyles,
  css`
    article {
      display: grid;
      gap: 1rem;
    }
    header h2 {
      margin-bottom: 0.15rem;
    }
    header p,
    form {
      margin: 0;
    }
    label.inline {
      display: flex;
      gap: 0.5rem;
      align-items: center;
    }
    .interfaces {
      margin: 0;
      padding-left: 1.2rem;
      line-height: 1.6;
    }
    .interfaces ul {
      padding-left: 1.2rem;
    }
    .requests {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(19rem, 1fr));
      gap: 1rem;
    }
    .result {
      margin: 0;
      min-height: 1.5em;
      overflow-wrap: anywhere;
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    }
    .result.done {
      color: var(--ferry-ok);
    }
      .stall {
      margin: 0;
      padding: 0.5rem 0.75rem;
      border-left: 3px solid var(--ferry-warn);
      background: var(--ferry-field);
    }
    button.small {
      min-height: 2rem;
      padding: 0.2rem 0.6rem;
      font-size: 0.85rem;
    }
    .alternates {
      display: grid;
      gap: 0.5rem;
    }
    dl.fields {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
      gap: 0.2rem 1rem;
      margin: 0;
      font-size: 0.9rem;
    }
    dl.fields div {
      display: flex;
      gap: 0.5rem;
    }
    dl.fields dt {
      color: var(--ferry-muted);
    }
    dl.fields dd {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .scroll {
      overflow-x: auto;
    }
    table {
      width: 100%;
      border-collapse: collapse;
      font-size: 0.9rem;
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      text-align: left;
      padding: 0.3rem 0.6rem;
      border-bottom: 1px solid var(--ferry-border);
      white-space: nowrap;
    }
    th {
      font-size: 0.8rem;
      color: var(--ferry-muted);
    }
    .num {
      text-align: right;
    }
`,
];
