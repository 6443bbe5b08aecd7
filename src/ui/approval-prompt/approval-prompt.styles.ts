import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const approvalPromptStyles = [
  sharedStyles,
  css`
    .prompt {
      display: grid;
      gap: 0.5rem;
      padding: 0.75rem 1rem;
      border: 2px solid var(--ferry-warn);
      border-radius: var(--ferry-radius);
    }
    .prompt > * {
      margin: 0;
    }
    .words {
      font-size: 1.1rem;
      letter-spacing: 0.02em;
    }
    .choice {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    .choice .summary {
      flex: 1 1 14rem;
      font-size: 0.9rem;
    }
  `,
];
