import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const usbDeviceStyles = [
  sharedStyles,
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
  `,
];
