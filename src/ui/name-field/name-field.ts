import { html, LitElement, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { NameChangeEvent } from '../events.ts';
import { DEFAULT_NAME, saveName } from '../lib/environment.ts';
import { nameFieldStyles } from './name-field.styles.ts';

/** "Your name": what the other side sees. Remembered in this browser; announces changes. */
export class FerryNameField extends LitElement {
  static override styles = nameFieldStyles;

  @property() name = DEFAULT_NAME;

  override render(): TemplateResult {
    return html`<label>
      Your name (the other side sees it)
      <input
        data-testid="name-input"
        .value=${this.name}
        maxlength="64"
        autocomplete="nickname"
        @change=${this.onChange}
      />
    </label>`;
  }

  private onChange(event: Event): void {
    const name = (event.target as HTMLInputElement).value.trim() || DEFAULT_NAME;
    saveName(name);
    this.dispatchEvent(new NameChangeEvent(name));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-name-field': FerryNameField;
  }
}
