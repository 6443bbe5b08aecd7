import { css } from 'lit';
import { keptStyles } from '../lib/kept-state.ts';
import { sharedStyles } from '../styles/shared.styles.ts';

export const remoteDeviceStyles = [
  sharedStyles,
  keptStyles,
  css`
    article {
      display: grid;
      gap: 1.25rem;
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
