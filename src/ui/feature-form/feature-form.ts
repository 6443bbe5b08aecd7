import { html, LitElement, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { HidDescriptorModel } from '../../hid/index.ts';
import { RequestController } from '../controllers/request-controller.ts';
import { formatHex, parseHex } from '../lib/hex.ts';
import { byteLength, reportIds } from '../lib/hid-model.ts';
import type { ReceivedHidDevice } from '../lib/received-device.ts';
import { outcomeLine, reportIdSelect } from '../report-form/report-form.parts.ts';
import { reportFormStyles } from '../report-form/report-form.styles.ts';

/** Reads and writes the shared device's feature reports (settings, calibration, modes). */
export class FerryFeatureForm extends LitElement {
  static override styles = reportFormStyles;

  @property({ attribute: false }) device: ReceivedHidDevice | undefined;
  @property({ attribute: false }) model: HidDescriptorModel | undefined;
  @query('select') private select!: HTMLSelectElement;
  @query('input') private data!: HTMLInputElement;
  private readonly request = new RequestController(this);

  override render(): TemplateResult {
    const ids = reportIds(this.model, 'feature');
    const disabled = ids.length === 0 || this.request.pending;
    return html`<form @submit=${this.onSet}>
      <h3>Feature reports</h3>
      <div class="fields">
        ${reportIdSelect('feature-report-id', ids, (id) => byteLength(this.model, 'feature', id))}
        <label>Data to set (hex)<input name="data" data-testid="feature-data" placeholder="00" autocomplete="off" spellcheck="false" /></label>
      </div>
      <div class="row">
        <button type="button" data-testid="feature-get" ?disabled=${disabled} @click=${this.onGet}>Get</button>
        <button type="submit" data-testid="feature-set" ?disabled=${disabled}>Set</button>
        ${ids.length === 0 ? html`<span class="muted">This device has no feature reports.</span>` : ''}
      </div>
      ${outcomeLine('feature-result', this.request.outcome)}
    </form>`;
  }

  private onGet(): void {
    const device = this.device;
    const reportId = Number(this.select.value);
    if (!device) return;
    void this.request.run(async () => formatHex(await device.getFeatureReport(reportId)) || '(empty)');
  }

  private onSet(event: SubmitEvent): void {
    event.preventDefault();
    const device = this.device;
    const reportId = Number(this.select.value);
    const text = this.data.value;
    if (!device) return;
    void this.request.run(async () => {
      await device.setFeatureReport(reportId, parseHex(text));
      return 'set';
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-feature-form': FerryFeatureForm;
  }
}
