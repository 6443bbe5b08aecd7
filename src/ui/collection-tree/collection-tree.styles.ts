import { css } from 'lit';
import { sharedStyles } from '../styles/shared.styles.ts';

export const collectionTreeStyles = [
  sharedStyles,
  css`
    ul {
      list-style: none;
      margin: 0;
      padding-left: 1.1rem;
      border-left: 1px dashed var(--ferry-border);
    }
    .tree {
      padding-left: 0;
      border-left: none;
      margin-top: 0.75rem;
    }
    li {
      margin: 0.3rem 0;
    }
    .collection {
      font-weight: 600;
    }
    .fields li {
      font-size: 0.85rem;
      color: var(--ferry-muted);
      overflow-wrap: anywhere;
    }
    .kind {
      display: inline-block;
      min-width: 4.2rem;
      padding: 0 0.35rem;
      border-radius: 0.3rem;
      font-size: 0.8rem;
      text-align: center;
      background: var(--ferry-field);
      border: 1px solid var(--ferry-border);
    }
    .kind.input {
      border-color: var(--ferry-ok);
    }
    .kind.output {
      border-color: var(--ferry-accent);
    }
    .kind.feature {
      border-color: var(--ferry-warn);
    }
  `,
];
