/** Pieces of the USB panel: alternate settings, a decoded descriptor, the transfer history. */
import { html, nothing, type TemplateResult } from 'lit';
import type { UsbConfigurationInfo } from '../../protocol/index.ts';
import { describeEndpoint, type TransferEntry } from '../lib/usb-history.ts';
import type { DecodedDescriptor } from '../lib/usb-presets.ts';

/** A select per interface that has more than one alternate setting, with its own Select button. */
export function renderAlternates(
  active: UsbConfigurationInfo | undefined,
  selected: ReadonlyMap<number, number>,
  busy: boolean,
  onSelect: (interfaceNumber: number, alternateSetting: number) => void,
): TemplateResult | typeof nothing {
  const choices = (active?.interfaces ?? []).filter((iface) => iface.alternates.length > 1);
  if (choices.length === 0) return nothing;
  return html`<div class="alternates">
    ${choices.map((iface) => {
      const current = selected.get(iface.interfaceNumber) ?? 0;
      const id = `usb-alternate-${iface.interfaceNumber}`;
      return html`<form class="row" @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        const select = (event.target as HTMLFormElement).querySelector('select');
        onSelect(iface.interfaceNumber, Number(select?.value ?? 0));
      }}>
        <label class="inline">Interface ${iface.interfaceNumber} alternate
          <select data-testid=${id} data-selected=${current}>
            ${iface.alternates.map(
              (
                alternate,
              ) => html`<option value=${alternate.alternateSetting} ?selected=${alternate.alternateSetting === current}>
                ${alternate.alternateSetting} · ${alternate.endpoints.length} endpoint(s)${alternate.alternateSetting === current ? ' (selected)' : ''}
              </option>`,
            )}
          </select>
        </label>
        <button type="submit" data-testid=${`${id}-select`} ?disabled=${busy}>Select</button>
      </form>`;
    })}
  </div>`;
}

export function renderDecoded(
  decoded: DecodedDescriptor | string | undefined,
): TemplateResult | typeof nothing {
  if (decoded === undefined) return nothing;
  if (typeof decoded === 'string') return html`<p class="error" data-testid="usb-decoded">${decoded}</p>`;
  return html`<section data-testid="usb-decoded" data-title=${decoded.title}>
    <h3>${decoded.title}</h3>
    <dl class="fields mono">
      ${decoded.fields.map(
        ([name, value]) => html`<div data-field=${name}><dt>${name}</dt><dd>${value}</dd></div>`,
      )}
    </dl>
  </section>`;
}

export function renderHistory(history: readonly TransferEntry[]): TemplateResult {
  return html`<section>
    <h3>Last transfers</h3>
    ${
      history.length === 0
        ? html`<p class="muted">None yet.</p>`
        : html`<div class="scroll"><table data-testid="usb-history">
          <thead><tr><th scope="col">Type</th><th scope="col">Dir</th><th scope="col">Endpoint</th>
            <th scope="col">Length</th><th scope="col">Status</th><th scope="col">Bytes</th></tr></thead>
          <tbody>
            ${history.map(
              (entry) => html`<tr data-testid="usb-history-row" data-status=${entry.status}>
                <td>${entry.kind}</td><td>${entry.direction}</td><td class="mono">${describeEndpoint(entry)}</td>
                <td class="num">${entry.length}</td><td>${entry.status}</td><td class="num">${entry.actualLength}</td>
              </tr>`,
            )}
          </tbody>
        </table></div>`
    }
  </section>`;
}
