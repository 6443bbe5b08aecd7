import { html, LitElement, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { TransferEntry } from '../lib/usb-history.ts';
import { controlRequest, describeUsbResult, parseNumberField } from '../lib/usb-model.ts';
import { CONTROL_PRESETS, type ControlPreset } from '../lib/usb-presets.ts';
import { reportFormStyles } from '../report-form/report-form.styles.ts';
import type { UsbRun } from '../usb-device/usb-device.ts';
import { usbFormStyles } from '../usb-device/usb-form.styles.ts';

/** Told of every completed transfer, with the IN data (the panel keeps a history and decodes descriptors). */
export type TransferRecorder = (entry: TransferEntry, data: Uint8Array) => void;

/**
 * A control transfer: the setup packet's fields, and hex data for OUT or a length for IN; presets fill
 * the fields with standard requests.
 */
export class FerryUsbControlForm extends LitElement {
  static override styles = [reportFormStyles, usbFormStyles];

  @property({ attribute: false }) run: UsbRun | undefined;
  @property({ type: Boolean }) busy = false;
  @property({ attribute: false }) record: TransferRecorder | undefined;
  /** Follows bmRequestType bit 7, so only the field that direction uses is enabled. */
  @state() private isIn = true;

  override render(): TemplateResult {
    return html`<form @submit=${this.onSubmit}>
      <h3>Control transfer</h3>
      <div class="row presets" role="group" aria-label="Presets">
        ${CONTROL_PRESETS.map(
          (preset) => html`<button type="button" class="small" data-testid=${`usb-preset-${preset.id}`}
            @click=${() => this.fill(preset)}>${preset.label}</button>`,
        )}
      </div>
      <div class="setup">
        ${field('bmRequestType', 'requestType', '0xc0', this.onRequestType)}
        ${field('bRequest', 'request', '0x00')} ${field('wValue', 'value', '0')} ${field('wIndex', 'index', '0')}
      </div>
      <div class="setup wide">
        <label>wLength (IN)<input name="length" data-testid="usb-control-length" value="0" ?disabled=${!this.isIn}
          autocomplete="off" spellcheck="false" /></label>
        <label>Data (hex, OUT)<input name="data" data-testid="usb-control-data" placeholder="01 02" ?disabled=${this.isIn}
          autocomplete="off" spellcheck="false" /></label>
      </div>
      <div class="row">
        <button type="submit" data-testid="usb-control-send" ?disabled=${this.busy}>Send</button>
        <span class="muted hint">bit 7 of bmRequestType: 1 = IN (read), 0 = OUT (write)</span>
      </div>
    </form>`;
  }

  /** Puts a preset's values in the fields (the person can still change them before sending). */
  fill(preset: ControlPreset): void {
    const set = (name: string, value: string) => {
      const input = this.renderRoot.querySelector<HTMLInputElement>(`input[name="${name}"]`);
      if (input) input.value = value;
    };
    set('requestType', preset.requestType);
    set('request', preset.request);
    set('value', preset.value);
    set('index', preset.index);
    set('length', preset.length);
    set('data', '');
    this.isIn = (Number(preset.requestType) & 0x80) !== 0;
  }

  private onRequestType(event: Event): void {
    const text = (event.target as HTMLInputElement).value;
    try {
      this.isIn = (parseNumberField('bmRequestType', text, 0xff) & 0x80) !== 0;
    } catch {
      // Left as it was until the field holds a number; sending says what is wrong.
    }
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '');
    const fields = {
      requestType: text('requestType'),
      request: text('request'),
      value: text('value'),
      index: text('index'),
      length: text('length'),
      data: text('data'),
    };
    this.run?.(async (device) => {
      const { setup, data } = controlRequest(fields);
      const isIn = (setup.requestType & 0x80) !== 0;
      const result = await device.controlTransfer(setup, data);
      this.record?.(
        {
          kind: 'control',
          direction: isIn ? 'IN' : 'OUT',
          endpoint: 0,
          length: setup.length,
          status: result.status,
          actualLength: result.actualLength,
          setup,
        },
        result.data,
      );
      return describeUsbResult(result, isIn);
    });
  }
}

function field(label: string, name: string, value: string, onInput?: (event: Event) => void): TemplateResult {
  return html`<label>${label}<input name=${name} data-testid="usb-control-${name === 'requestType' ? 'request-type' : name}"
    .value=${value} @input=${onInput} autocomplete="off" spellcheck="false" /></label>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-usb-control-form': FerryUsbControlForm;
  }
}
