import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

/** Shared by the output and feature forms, which have the same shape. */
export const reportFormStyles = [
  sharedStyles,
  css`
    :host {
      border: 1px solid var(--ferry-border);
      border-radius: var(--ferry-radius);
      padding: 0.9rem;
    }
    form {
      display: grid;
      gap: 0.6rem;
    }
    .fields {
      display: grid;
      grid-template-columns: 6rem minmax(0, 1fr);
      gap: 0.5rem;
    }
    label {
      display: grid;
      gap: 0.2rem;
    }
    input {
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
      width: 100%;
    }
    .result {
      margin: 0;
      min-height: 1.5em;
      overflow-wrap: anywhere;
    }
    .result.done {
      color: var(--ferry-ok);
    }
  `,
];
