import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { UsbConfigurationInfo } from '../../protocol/index.ts';
import { RequestController } from '../controllers/request-controller.ts';
import { renderKeptState } from '../lib/kept-state.ts';
import type { ReceivedUsbDevice } from '../lib/received-device.ts';
import { remember, stalledEndpoint, type TransferEntry } from '../lib/usb-history.ts';
import {
  endpointLabel,
  hexByte,
  requireOk,
  transferEndpoints,
  usbIds,
  usbSummary,
} from '../lib/usb-model.ts';
import { clearHaltPreset, type DecodedDescriptor, decodeDescriptorReply } from '../lib/usb-presets.ts';
import { outcomeLine } from '../report-form/report-form.parts.ts';
import type { FerryUsbControlForm, TransferRecorder } from '../usb-control-form/usb-control-form.ts';
import { renderAlternates, renderDecoded, renderHistory } from './usb-device.parts.ts';
import { usbDeviceStyles } from './usb-device.styles.ts';

/** Runs one USB request for the panel's forms; the panel shows its outcome in `usb-result`. */
export type UsbRun = (task: (device: ReceivedUsbDevice) => Promise<string>) => void;

/**
 * One shared generic USB device on the receiver's side: what it is (from the announced descriptors),
 * its configurations and endpoints, and control and bulk/interrupt transfers to it. One request at a time.
 * While the link is down it stays, says it is reconnecting, and keeps its history (controllers/usb-tile.ts).
 */
export class FerryUsbDevice extends LitElement {
  static override styles = usbDeviceStyles;

  @property({ attribute: false }) device: ReceivedUsbDevice | undefined;
  /** Seconds the device has been kept without a link (the sharer's link is down); undefined while live. */
  @property({ attribute: false }) keptFor: number | undefined;
  /** How long a kept device waits for its sharer before it is removed, seconds. */
  @property({ attribute: false }) graceSeconds = 60;
  @query('[data-testid="usb-configuration"]') private configurationSelect!: HTMLSelectElement;
  @query('ferry-usb-control-form') private controlForm: FerryUsbControlForm | undefined;
  @state() private history: TransferEntry[] = [];
  @state() private decoded: DecodedDescriptor | string | undefined;
  /** Interface number → the alternate this page last selected (WebUSB starts every interface at 0). */
  @state() private alternates = new Map<number, number>();
  private readonly request = new RequestController(this);

  private readonly record: TransferRecorder = (entry, data) => {
    this.history = remember(this.history, entry);
    if (entry.setup === undefined || entry.status !== 'ok') return;
    try {
      const decoded = decodeDescriptorReply(entry.setup, data);
      if (decoded) this.decoded = decoded;
    } catch (error) {
      this.decoded = `The reply is not a well-formed descriptor: ${error instanceof Error ? error.message : error}`;
    }
  };

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
    const kept = this.keptFor !== undefined;
    return html`<article class="card ${kept ? 'kept' : ''}" data-testid="usb-device-panel" data-state=${kept ? 'kept' : 'live'}>
      <header>
        <h2 data-testid="usb-device-name">${summary.name}</h2>
        <p class="muted mono" data-testid="usb-device-ids">
          ${usbIds(summary.vendorId, summary.productId)}${summary.manufacturer ? ` · ${summary.manufacturer}` : ''} · ${summary.usbVersion}
        </p>
        ${kept ? renderKeptState('usb-device-kept', this.keptFor ?? 0, this.graceSeconds) : nothing}
      </header>
      ${this.renderConfiguration(device, busy)}
      ${this.renderEndpoints(device, active)}
      ${renderAlternates(active, this.alternates, busy, this.onSelectAlternate)}
      <div class="requests">
        <ferry-usb-control-form .run=${this.run} .record=${this.record} ?busy=${busy}></ferry-usb-control-form>
        <ferry-usb-transfer-form .run=${this.run} .record=${this.record} ?busy=${busy}
          .endpoints=${transferEndpoints(active)}></ferry-usb-transfer-form>
      </div>
      ${outcomeLine('usb-result', this.request.outcome)}
      ${this.renderStallHint()}
      ${renderDecoded(this.decoded)}
      ${renderHistory(this.history)}
    </article>`;
  }

  private renderConfiguration(device: ReceivedUsbDevice, busy: boolean): TemplateResult {
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

  private renderEndpoints(
    device: ReceivedUsbDevice,
    active: UsbConfigurationInfo | undefined,
  ): TemplateResult {
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

  /** After a stall on a data endpoint: say so, and offer the request that clears it. */
  private renderStallHint(): TemplateResult | typeof nothing {
    const endpoint = stalledEndpoint(this.history);
    if (endpoint === undefined) return nothing;
    const preset = clearHaltPreset(endpoint);
    return html`<p class="stall" role="status" data-testid="usb-stall-hint" data-endpoint=${endpoint}>
      Endpoint ${hexByte(endpoint)} stalled — clear the halt before using it again:
      <button type="button" class="small" data-testid="usb-stall-preset" @click=${() => this.controlForm?.fill(preset)}>
        ${preset.label}
      </button>
    </p>`;
  }

  private readonly onSelectAlternate = (interfaceNumber: number, alternateSetting: number): void => {
    this.run(async (device) => {
      requireOk(await device.selectAlternateInterface(interfaceNumber, alternateSetting));
      this.alternates = new Map(this.alternates).set(interfaceNumber, alternateSetting);
      return `ok · interface ${interfaceNumber} alternate ${alternateSetting}`;
    });
  };

  private onSelectConfiguration(event: SubmitEvent): void {
    event.preventDefault();
    const value = Number(this.configurationSelect.value);
    this.run(async (device) => {
      requireOk(await device.selectConfiguration(value));
      this.alternates = new Map(); // a new configuration starts every interface at alternate 0
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
