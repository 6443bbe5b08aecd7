import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const appStyles = [
  sharedStyles,
  css`
    :host {
      max-width: 60rem;
      margin: 0 auto;
      padding: 1rem 1rem 3rem;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25rem 1rem;
      padding: 0.5rem 0 1.25rem;
      border-bottom: 1px solid var(--ferry-border);
      margin-bottom: 1.5rem;
    }
    .brand {
      font-size: 1.6rem;
      font-weight: 700;
      letter-spacing: -0.02em;
      color: var(--ferry-text);
      text-decoration: none;
    }
    .brand {
      display: inline-flex;
      align-items: center;
      gap: 0.5rem;
    }
    .logo {
      width: 1.9rem;
      height: 1.9rem;
      color: var(--ferry-accent);
    }
    .tagline {
      margin: 0;
      color: var(--ferry-muted);
    }
    a {
      color: var(--ferry-accent);
    }
  `,
];
