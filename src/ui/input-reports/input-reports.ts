import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { HidDescriptorModel } from '../../hid/index.ts';
import { InputMonitorController } from '../controllers/input-monitor.ts';
import { formatHex } from '../lib/hex.ts';
import { decodedValues, type FieldValue } from '../lib/hid-model.ts';
import type { InputReportEntry } from '../lib/input-log.ts';
import type { ReceivedHidDevice } from '../lib/received-device.ts';
import { inputReportsStyles } from './input-reports.styles.ts';

/** The latest input report per report id, raw and decoded; re-rendered at most ten times a second. */
export class FerryInputReports extends LitElement {
  static override styles = inputReportsStyles;

  @property({ attribute: false }) device: ReceivedHidDevice | undefined;
  @property({ attribute: false }) model: HidDescriptorModel | undefined;
  private readonly monitor = new InputMonitorController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('device')) this.monitor.watch(this.device);
  }

  override render(): TemplateResult {
    const entries = this.monitor.log.list();
    return html`<h3>Input reports</h3>
      ${
        entries.length === 0
          ? html`<p class="muted">No input yet — use the device.</p>`
          : html`<div class="scroll">
            <table>
              <thead><tr><th scope="col">ID</th><th scope="col">Latest bytes (hex)</th><th scope="col">Rate</th><th scope="col">Count</th></tr></thead>
              <tbody>${entries.map((entry) => this.renderRow(entry))}</tbody>
            </table>
          </div>
          ${entries.map((entry) => this.renderDecoded(entry))}`
      }`;
  }

  private renderRow(entry: InputReportEntry): TemplateResult {
    const id = entry.reportId;
    return html`<tr data-testid=${`input-row-${id}`}>
      <td>${id}</td>
      <td class="mono hex" data-testid=${`input-hex-${id}`}>${formatHex(entry.data)}</td>
      <td class="num">${entry.perSecond}/s</td>
      <td class="num" data-testid=${`input-count-${id}`}>${entry.count}</td>
    </tr>`;
  }

  private renderDecoded(entry: InputReportEntry): TemplateResult | typeof nothing {
    const values = decodedValues(this.model, entry.reportId, entry.data);
    if (values.length === 0) return nothing;
    return html`<div class="decoded" data-testid=${`input-decoded-${entry.reportId}`}>
      <h4>Report ${entry.reportId}</h4>
      <ul>${values.map(renderValue)}</ul>
    </div>`;
  }
}

function renderValue(field: FieldValue): TemplateResult {
  if (field.isButton) {
    const on = field.value !== 0;
    return html`<li class="button ${on ? 'on' : ''}">${field.label}<span class="badge">${on ? 'pressed' : 'up'}</span></li>`;
  }
  const span = field.max - field.min;
  const position = span > 0 ? ((field.value - field.min) / span) * 100 : 0;
  // A property binding goes through the CSSOM (style.cssText); a style="…" attribute would be inline
  // style, which the page's Content-Security-Policy refuses (docs/security.md).
  const marker = `left: ${Math.min(100, Math.max(0, position))}%`;
  return html`<li class="axis">
    <span class="label">${field.label}</span><span class="mono value">${field.value}</span>
    <span class="bar" aria-hidden="true"><span .style=${marker}></span></span>
  </li>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-input-reports': FerryInputReports;
  }
}
