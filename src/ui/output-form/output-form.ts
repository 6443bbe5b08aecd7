import { html, LitElement, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { HidDescriptorModel } from '../../hid/index.ts';
import { RequestController } from '../controllers/request-controller.ts';
import { parseHex } from '../lib/hex.ts';
import { byteLength, reportIds } from '../lib/hid-model.ts';
import type { ReceivedHidDevice } from '../lib/received-device.ts';
import { outcomeLine, reportIdSelect } from '../report-form/report-form.parts.ts';
import { reportFormStyles } from '../report-form/report-form.styles.ts';

/** Sends an output report (e.g. an LED) to the shared device. */
export class FerryOutputForm extends LitElement {
  static override styles = reportFormStyles;

  @property({ attribute: false }) device: ReceivedHidDevice | undefined;
  @property({ attribute: false }) model: HidDescriptorModel | undefined;
  @query('select') private select!: HTMLSelectElement;
  @query('input') private data!: HTMLInputElement;
  private readonly request = new RequestController(this);

  override render(): TemplateResult {
    const ids = reportIds(this.model, 'output');
    return html`<form @submit=${this.onSubmit}>
      <h3>Send an output report</h3>
      <div class="fields">
        ${reportIdSelect('output-report-id', ids, (id) => byteLength(this.model, 'output', id))}
        <label>Data (hex)<input name="data" data-testid="output-data" placeholder="01" autocomplete="off" spellcheck="false" /></label>
      </div>
      <div class="row">
        <button type="submit" data-testid="output-send" ?disabled=${ids.length === 0 || this.request.pending}>Send</button>
        ${ids.length === 0 ? html`<span class="muted">This device has no output reports.</span>` : ''}
      </div>
      ${outcomeLine('output-result', this.request.outcome)}
    </form>`;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const device = this.device;
    if (!device) return;
    const reportId = Number(this.select.value);
    const text = this.data.value;
    void this.request.run(async () => {
      await device.sendOutputReport(reportId, parseHex(text));
      return 'sent';
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-output-form': FerryOutputForm;
  }
}
