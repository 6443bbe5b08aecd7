import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const codeEntryStyles = [
  sharedStyles,
  css`
    h2 label {
      font-size: inherit;
      color: inherit;
    }
    input {
      flex: 1 1 8rem;
    }
    .error {
      margin-top: 0.5rem;
    }
  `,
];
