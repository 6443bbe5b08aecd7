import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { query, state } from 'lit/decorators.js';
import { NavigateEvent } from '../events.ts';
import { codeHref } from '../lib/routes.ts';
import { codeEntryStyles } from './code-entry.styles.ts';

/** "Receive with a code": checks the code here (a typo is caught before joining) and opens the receive view. */
export class FerryCodeEntry extends LitElement {
  static override styles = codeEntryStyles;

  @state() private error: string | undefined;
  @query('input') private input!: HTMLInputElement;

  override render(): TemplateResult {
    return html`<form @submit=${this.onSubmit}>
      <h2><label for="code">Receive with a code</label></h2>
      <p class="muted">Someone shared a device and read you a code like <span class="mono">482913-amber-falcon</span>?</p>
      <div class="row">
        <input id="code" data-testid="code-input" placeholder="482913-amber-falcon" autocomplete="off" spellcheck="false"
          autocapitalize="none" aria-describedby="code-error" />
        <button type="submit" data-testid="code-join">Receive</button>
      </div>
      ${this.error ? html`<p id="code-error" class="error" role="alert">${this.error}</p>` : nothing}
    </form>`;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    try {
      const href = codeHref(this.input.value);
      this.error = undefined;
      this.dispatchEvent(new NavigateEvent(href));
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-code-entry': FerryCodeEntry;
  }
}
