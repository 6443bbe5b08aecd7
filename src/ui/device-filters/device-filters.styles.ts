import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const deviceFiltersStyles = [
  sharedStyles,
  css`
    summary {
      cursor: pointer;
      padding: 0.25rem 0;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(8rem, 1fr));
      gap: 0.75rem;
      margin-top: 0.5rem;
    }
    label {
      display: grid;
      gap: 0.25rem;
    }
    input {
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    }
  `,
];
