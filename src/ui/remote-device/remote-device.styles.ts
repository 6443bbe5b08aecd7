import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const remoteDeviceStyles = [
  sharedStyles,
  css`
    article {
      display: grid;
      gap: 1.25rem;
    }
    /* Kept while the link is down: still here, but nothing live in it until the sharer is back. */
    article.kept > :not(header) {
      opacity: 0.5;
    }
    .kept-state {
      margin: 0.25rem 0 0;
      font-weight: 600;
    }
    header h2 {
      margin-bottom: 0.15rem;
    }
    header p {
      margin: 0;
    }
    .requests {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr));
      gap: 1rem;
    }
    summary {
      cursor: pointer;
      font-weight: 600;
    }
  `,
];
