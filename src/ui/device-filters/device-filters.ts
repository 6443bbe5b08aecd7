import { html, LitElement, type TemplateResult } from 'lit';
import { queryAll } from 'lit/decorators.js';
import { type FilterFields, filtersFrom } from '../lib/filters.ts';
import { deviceFiltersStyles } from './device-filters.styles.ts';

const FIELDS: ReadonlyArray<{ key: keyof FilterFields; label: string; placeholder: string }> = [
  { key: 'vendorId', label: 'Vendor id', placeholder: '046d' },
  { key: 'productId', label: 'Product id', placeholder: 'c626' },
  { key: 'usagePage', label: 'Usage page', placeholder: '01' },
  { key: 'usage', label: 'Usage', placeholder: '08' },
];

/** The optional WebHID chooser filters, collapsed by default. Read `filters` synchronously in a click. */
export class FerryDeviceFilters extends LitElement {
  static override styles = deviceFiltersStyles;

  @queryAll('input') private inputs!: NodeListOf<HTMLInputElement>;

  /** Throws with a plain message when a field is not valid hex. */
  get filters(): HIDDeviceFilter[] {
    const fields: FilterFields = { vendorId: '', productId: '', usagePage: '', usage: '' };
    for (const input of this.inputs ?? []) fields[input.name as keyof FilterFields] = input.value;
    return filtersFrom(fields);
  }

  override render(): TemplateResult {
    return html`<details>
      <summary>Filters <span class="muted">(optional, hex)</span></summary>
      <div class="grid">
        ${FIELDS.map(
          (field) => html`<label>
            ${field.label}
            <input
              name=${field.key}
              data-testid=${`filter-${field.key}`}
              placeholder=${field.placeholder}
              autocomplete="off"
              spellcheck="false"
            />
          </label>`,
        )}
      </div>
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-device-filters': FerryDeviceFilters;
  }
}
