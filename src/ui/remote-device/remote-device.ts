import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { HidDescriptorModel } from '../../hid/index.ts';
import { hexId } from '../lib/hex.ts';
import { modelOf } from '../lib/hid-model.ts';
import { renderKeptState } from '../lib/kept-state.ts';
import type { ReceivedHidDevice } from '../lib/received-device.ts';
import { remoteDeviceStyles } from './remote-device.styles.ts';

/** One shared device on the receiver's side: what it is, its live input, and requests to it. */
export class FerryRemoteDevice extends LitElement {
  static override styles = remoteDeviceStyles;

  @property({ attribute: false }) device: ReceivedHidDevice | undefined;
  /** Seconds the device has been kept without a link (the sharer's link is down); undefined while live. */
  @property({ attribute: false }) keptFor: number | undefined;
  /** How long a kept device waits for its sharer before it is removed, seconds. */
  @property({ attribute: false }) graceSeconds = 60;
  private model: HidDescriptorModel | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Layouts are compiled once per device, not per render.
    if (changed.has('device')) this.model = this.device ? modelOf(this.device.announcement) : undefined;
  }

  override render(): TemplateResult | typeof nothing {
    const device = this.device;
    if (!device) return nothing;
    const { productName, vendorId, productId, collections } = device.announcement;
    const kept = this.keptFor !== undefined;
    return html`<article class="card ${kept ? 'kept' : ''}" data-testid="device-panel" data-state=${kept ? 'kept' : 'live'}>
      <header>
        <h2 data-testid="device-name">${productName || 'Unnamed device'}</h2>
        <p class="muted mono" data-testid="device-ids">
          vendor ${hexId(vendorId)} · product ${hexId(productId)}
        </p>
        ${kept ? renderKeptState('device-kept', this.keptFor ?? 0, this.graceSeconds) : nothing}
      </header>
      ${this.model ? nothing : html`<p class="error">Ferry could not read this device's report layout; raw bytes only.</p>`}
      <ferry-input-reports .device=${device} .model=${this.model}></ferry-input-reports>
      <ferry-input-plots .device=${device} .model=${this.model}></ferry-input-plots>
      <div class="requests">
        <ferry-output-form .device=${device} .model=${this.model}></ferry-output-form>
        <ferry-feature-form .device=${device} .model=${this.model}></ferry-feature-form>
      </div>
      <details>
        <summary>Collections and reports</summary>
        <ferry-collection-tree .collections=${collections} .model=${this.model}></ferry-collection-tree>
      </details>
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-remote-device': FerryRemoteDevice;
  }
}
