import { css } from 'lit';

/**
 * The few rules every component repeats: buttons, fields, cards. Colours come from custom properties set
 * on :root in index.html (they inherit into shadow roots), so light and dark schemes live in one place.
 */
export const sharedStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h2,
  h3,
  h4 {
    margin: 0 0 0.5rem;
    line-height: 1.25;
  }
  h2 {
    font-size: 1.25rem;
  }
  h3 {
    font-size: 1.05rem;
  }
  p {
    margin: 0 0 0.75rem;
  }
  button {
    font: inherit;
    min-height: 2.5rem;
    padding: 0.45rem 1rem;
    border-radius: var(--ferry-radius);
    border: 1px solid var(--ferry-border);
    background: var(--ferry-surface);
    color: var(--ferry-text);
    cursor: pointer;
  }
  button.primary {
    background: var(--ferry-accent);
    border-color: var(--ferry-accent);
    color: var(--ferry-on-accent);
    font-weight: 600;
  }
  button:hover:not(:disabled) {
    filter: brightness(0.95);
  }
  button:disabled {
    opacity: 0.55;
    cursor: default;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  summary:focus-visible {
    outline: 3px solid var(--ferry-focus);
    outline-offset: 2px;
  }
  input,
  select {
    font: inherit;
    min-height: 2.5rem;
    padding: 0.4rem 0.6rem;
    border-radius: var(--ferry-radius);
    border: 1px solid var(--ferry-border);
    background: var(--ferry-field);
    color: var(--ferry-text);
    min-width: 0;
  }
  label {
    font-size: 0.9rem;
    color: var(--ferry-muted);
  }
  .card {
    background: var(--ferry-surface);
    border: 1px solid var(--ferry-border);
    border-radius: calc(var(--ferry-radius) * 2);
    padding: 1.25rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .muted {
    color: var(--ferry-muted);
  }
  .error {
    color: var(--ferry-danger);
    font-weight: 500;
  }
  .mono,
  code {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.9em;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
