import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const nameFieldStyles = [
  sharedStyles,
  css`
    label {
      display: grid;
      gap: 0.25rem;
      max-width: 20rem;
    }
  `,
];
