import { html, LitElement, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { UsbEndpointInfo } from '../../protocol/index.ts';
import { parseHex } from '../lib/hex.ts';
import { describeUsbResult, endpointLabel, parseNumberField } from '../lib/usb-model.ts';
import { reportFormStyles } from '../report-form/report-form.styles.ts';
import type { TransferRecorder } from '../usb-control-form/usb-control-form.ts';
import type { UsbRun } from '../usb-device/usb-device.ts';
import { usbFormStyles } from '../usb-device/usb-form.styles.ts';

/** A bulk or interrupt transfer: OUT sends hex data, IN reads up to a length. */
export class FerryUsbTransferForm extends LitElement {
  static override styles = [reportFormStyles, usbFormStyles];

  @property({ attribute: false }) run: UsbRun | undefined;
  @property({ type: Boolean }) busy = false;
  @property({ attribute: false }) endpoints: readonly UsbEndpointInfo[] = [];
  @property({ attribute: false }) record: TransferRecorder | undefined;
  @state() private address: number | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new configuration has other endpoints: keep the choice only if it still exists.
    if (changed.has('endpoints') && !this.endpoints.some((endpoint) => endpoint.address === this.address))
      this.address = this.endpoints[0]?.address;
  }

  override render(): TemplateResult {
    const isIn = this.address !== undefined && (this.address & 0x80) !== 0;
    const none = this.endpoints.length === 0;
    return html`<form @submit=${this.onSubmit}>
      <h3>Bulk / interrupt transfer</h3>
      <label>Endpoint
        <select name="endpoint" data-testid="usb-transfer-endpoint" ?disabled=${none} @change=${this.onEndpoint}>
          ${this.endpoints.map(
            (endpoint) =>
              html`<option value=${endpoint.address} ?selected=${endpoint.address === this.address}>${endpointLabel(endpoint)}</option>`,
          )}
        </select>
      </label>
      <div class="setup transfer">
        <label>Data (hex, OUT)<input name="data" data-testid="usb-transfer-data" placeholder="01 02" ?disabled=${isIn || none}
          autocomplete="off" spellcheck="false" /></label>
        <label>Length (IN)<input name="length" data-testid="usb-transfer-length" value="64" ?disabled=${!isIn}
          autocomplete="off" spellcheck="false" /></label>
      </div>
      <div class="row">
        <button type="submit" data-testid="usb-transfer-send" ?disabled=${none || this.busy}>${isIn ? 'Read' : 'Write'}</button>
        ${none ? html`<span class="muted">This configuration has no bulk or interrupt endpoints.</span>` : ''}
      </div>
    </form>`;
  }

  private onEndpoint(event: Event): void {
    this.address = Number((event.target as HTMLSelectElement).value);
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const address = this.address;
    if (address === undefined) return;
    const form = new FormData(event.target as HTMLFormElement);
    const isIn = (address & 0x80) !== 0;
    const text = String(form.get(isIn ? 'length' : 'data') ?? '');
    this.run?.(async (device) => {
      const length = isIn ? parseNumberField('Length', text, 0x10000) : 0;
      const data = isIn ? new Uint8Array(0) : parseHex(text);
      const result = isIn
        ? await device.transferIn(address, length)
        : await device.transferOut(address, data);
      const entry = {
        kind: 'bulk/interrupt',
        direction: isIn ? 'IN' : 'OUT',
        endpoint: address,
        length: isIn ? length : data.length,
        status: result.status,
        actualLength: result.actualLength,
      } as const;
      this.record?.(entry, result.data);
      return describeUsbResult(result, isIn);
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-usb-transfer-form': FerryUsbTransferForm;
  }
}
