import { html, nothing, type TemplateResult } from 'lit';
import type { RequestOutcome } from '../controllers/request-controller.ts';

/** The report id select both forms start with; `testid` names it for tests. */
export function reportIdSelect(
  testid: string,
  ids: readonly number[],
  byteLengths: (id: number) => number | undefined,
) {
  return html`<label>
    Report id
    <select name="reportId" data-testid=${testid} ?disabled=${ids.length === 0}>
      ${ids.map((id) => {
        const length = byteLengths(id);
        return html`<option value=${id}>${id}${length === undefined ? '' : ` (${length} B)`}</option>`;
      })}
    </select>
  </label>`;
}

export function outcomeLine(testid: string, outcome: RequestOutcome): TemplateResult {
  const text =
    outcome.state === 'pending' ? 'waiting for the device…' : 'text' in outcome ? outcome.text : nothing;
  return html`<p class="result ${outcome.state === 'failed' ? 'error' : outcome.state}" data-testid=${testid}
    data-state=${outcome.state} role="status">${text}</p>`;
}
