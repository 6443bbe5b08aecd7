/**
 * The line a receiver panel (HID or USB) shows while its device is kept without a link, and the style
 * that greys the rest of the panel meanwhile (docs/receiver.md, "When the link goes down"). A template,
 * not an element: the panel knows how long its device has been kept.
 */
import { css, html, type TemplateResult } from 'lit';

/** "Reconnecting (n s) — …": the device stays for the grace at most while the page reconnects. */
export function renderKeptState(testId: string, seconds: number, graceSeconds: number): TemplateResult {
  return html`<p class="kept-state" role="status" data-testid=${testId}>
    Reconnecting (${seconds} s) — the device is kept here for up to ${graceSeconds} s for the sharer to come back
  </p>`;
}

/** For an `article.kept` panel: still here, but nothing live in it until the sharer is back. */
export const keptStyles = css`
  article.kept > :not(header) {
    opacity: 0.5;
  }
  .kept-state {
    margin: 0.25rem 0 0;
    font-weight: 600;
  }
`;
