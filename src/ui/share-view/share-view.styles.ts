import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const shareViewStyles = [
  sharedStyles,
  css`
    .layout {
      display: grid;
      grid-template-columns: minmax(0, 1fr) 17rem;
      gap: 1.25rem;
      align-items: start;
    }
    .layout.single {
      grid-template-columns: minmax(0, 1fr);
    }
    @media (max-width: 48rem) {
      .layout {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    .main {
      display: grid;
      gap: 1rem;
    }
    .main > * {
      margin: 0;
    }
    .actions button {
      flex: 0 1 auto;
    }
    @media (max-width: 30rem) {
      .actions button {
        flex: 1 1 100%;
      }
    }
    .advanced > summary {
      cursor: pointer;
      font-weight: 600;
      width: fit-content;
    }
    .advanced[open] {
      display: grid;
      gap: 1rem;
    }
    .receiver-code {
      display: grid;
      gap: 0.25rem;
      max-width: 20rem;
    }
    .pipeline {
      display: grid;
      gap: 0.25rem;
      max-width: 32rem;
    }
    .pipeline label {
      display: grid;
      gap: 0.25rem;
    }
    .pipeline input {
      font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    }
    .access {
      display: grid;
      gap: 0.4rem;
      max-width: 32rem;
      margin: 0;
      padding: 0.5rem 0.75rem 0.75rem;
      border: 1px solid var(--ferry-border);
      border-radius: var(--ferry-radius);
    }
    .access legend {
      font-size: 0.9rem;
      padding: 0 0.25rem;
    }
    .access label {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    .access .switch input {
      min-height: 0;
      width: 1.1rem;
      height: 1.1rem;
    }
    .access p {
      margin: 0;
      font-size: 0.9rem;
    }
    .stages {
      display: grid;
      gap: 0.375rem;
      margin: 0.5rem 0 0;
    }
    .stages dd {
      margin: 0 0 0 1rem;
    }
    .shared {
      padding: 0.75rem 1rem;
      border-radius: var(--ferry-radius);
      background: var(--ferry-ok-bg);
      color: var(--ferry-text);
    }
  `,
];
