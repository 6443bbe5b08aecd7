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
    .receiver-code {
      display: grid;
      gap: 0.25rem;
      max-width: 20rem;
    }
    .shared {
      padding: 0.75rem 1rem;
      border-radius: var(--ferry-radius);
      background: var(--ferry-ok-bg);
      color: var(--ferry-text);
    }
  `,
];
