import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { UsbConfigurationInfo } from '../../protocol/index.ts';
import type { RemoteUsbDevice } from '../../transport/index.ts';
import { RequestController } from '../controllers/request-controller.ts';
import {
  endpointLabel,
  hexByte,
  requireOk,
  transferEndpoints,
  usbIds,
  usbSummary,
} from '../lib/usb-model.ts';
import { outcomeLine } from '../report-form/report-form.parts.ts';
import { usbDeviceStyles } from './usb-device.styles.ts';

/** Runs one USB request for the panel's forms; the panel shows its outcome in `usb-result`. */
export type UsbRun = (task: (device: RemoteUsbDevice) => Promise<string>) => void;

/**
 * One shared generic USB device on the receiver's side: what it is (from the announced descriptors),
 * its configurations and endpoints, and control and bulk/interrupt transfers to it. One request at a time.
 */
export class FerryUsbDevice extends LitElement {
  static override styles = usbDeviceStyles;

  @property({ attribute: false }) device: RemoteUsbDevice | undefined;
  @query('[data-testid="usb-configuration"]') private configurationSelect!: HTMLSelectElement;
  private readonly request = new RequestController(this);

  private readonly run: UsbRun = (task) => {
    const device = this.device;
    if (device) void this.request.run(() => task(device));
  };

  override render(): TemplateResult | typeof nothing {
    const device = this.device;
    if (!device) return nothing;
    const summary = usbSummary(device.descriptors);
    const active = device.descriptors.configuration(device.activeConfiguration);
    const busy = this.request.pending;
    return html`<article class="card">
      <header>
        <h2 data-testid="usb-device-name">${summary.name}</h2>
        <p class="muted mono" data-testid="usb-device-ids">
          ${usbIds(summary.vendorId, summary.productId)}${summary.manufacturer ? ` · ${summary.manufacturer}` : ''} · ${summary.usbVersion}
        </p>
      </header>
      ${this.renderConfiguration(device, busy)}
      ${this.renderEndpoints(device, active)}
      <div class="requests">
        <ferry-usb-control-form .run=${this.run} ?busy=${busy}></ferry-usb-control-form>
        <ferry-usb-transfer-form .run=${this.run} ?busy=${busy} .endpoints=${transferEndpoints(active)}></ferry-usb-transfer-form>
      </div>
      ${outcomeLine('usb-result', this.request.outcome)}
    </article>`;
  }

  private renderConfiguration(device: RemoteUsbDevice, busy: boolean): TemplateResult {
    const strings = device.descriptors;
    return html`<form class="row" @submit=${this.onSelectConfiguration}>
      <label class="inline">
        Configuration
        <select data-testid="usb-configuration">
          ${strings.configurations.map(
            (configuration) =>
              html`<option value=${configuration.configurationValue}
                ?selected=${configuration.configurationValue === device.activeConfiguration}>
                ${configuration.configurationValue}${nameOf(strings.string(configuration.nameIndex))}
                ${configuration.configurationValue === device.activeConfiguration ? ' (active)' : ''}
              </option>`,
          )}
        </select>
      </label>
      <button type="submit" data-testid="usb-configuration-select" ?disabled=${busy}>Select</button>
    </form>`;
  }

  private renderEndpoints(device: RemoteUsbDevice, active: UsbConfigurationInfo | undefined): TemplateResult {
    if (!active) return html`<p class="muted" data-testid="usb-endpoints">No configuration is active.</p>`;
    return html`<ul class="interfaces mono" data-testid="usb-endpoints">
      ${active.interfaces.flatMap((iface) =>
        iface.alternates.map(
          (alternate) => html`<li>
            interface ${alternate.interfaceNumber}.${alternate.alternateSetting} · class
            ${hexByte(alternate.interfaceClass)}${nameOf(device.descriptors.string(alternate.nameIndex))}
            <ul>
              ${alternate.endpoints.length === 0 ? html`<li class="muted">no endpoints</li>` : nothing}
              ${alternate.endpoints.map((endpoint) => html`<li>${endpointLabel(endpoint)}</li>`)}
            </ul>
          </li>`,
        ),
      )}
    </ul>`;
  }

  private onSelectConfiguration(event: SubmitEvent): void {
    event.preventDefault();
    const value = Number(this.configurationSelect.value);
    this.run(async (device) => {
      requireOk(await device.selectConfiguration(value));
      return `ok · configuration ${value}`;
    });
  }
}

const nameOf = (name: string | undefined) => (name ? ` (${name})` : '');

declare global {
  interface HTMLElementTagNameMap {
    'ferry-usb-device': FerryUsbDevice;
  }
}
