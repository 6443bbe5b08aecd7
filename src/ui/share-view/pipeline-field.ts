/**
 * The share page's pipeline selector: the spec every receiver link runs (docs/pipeline.md), with a line
 * on each stage. A template, not an element: the share view owns the value and when it may change.
 */
import { html, type TemplateResult } from 'lit';
import { DEFAULT_PIPELINE, describeStages, parsePipelineSpec } from '../../pipeline/index.ts';

const STAGES = describeStages();

export interface PipelineFieldProps {
  spec: string;
  /** Once the session exists its pipeline is fixed: every receiver link is made with it. */
  locked: boolean;
  onChange(spec: string): void;
}

export function renderPipelineField({ spec, locked, onChange }: PipelineFieldProps): TemplateResult {
  return html`<div class="pipeline">
    <label>
      Pipeline (how reports travel; the default suits most devices)
      <input
        data-testid="pipeline-spec"
        .value=${spec}
        placeholder=${DEFAULT_PIPELINE}
        ?disabled=${locked}
        autocomplete="off"
        spellcheck="false"
        autocapitalize="none"
        @input=${(event: Event) => onChange((event.target as HTMLInputElement).value)}
      />
    </label>
    <details>
      <summary>What the stages do</summary>
      <dl class="stages">
        ${STAGES.map(
          (stage) => html`<div>
            <dt><code>${stage.name}</code> <span class="muted">${stage.scope}</span></dt>
            <dd>${stage.summary}</dd>
          </div>`,
        )}
      </dl>
    </details>
  </div>`;
}

/** The spec as typed, checked before anything connects: throws PipelineSpecError in plain words. */
export function checkPipelineSpec(spec: string): string {
  parsePipelineSpec(spec);
  return spec.trim();
}
