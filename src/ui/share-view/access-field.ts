/**
 * Who may receive (docs/security.md): by default every receiver waits for your approval; "anyone with the
 * link" lets whoever has it straight in. Either way, new receivers get the permission chosen here (the
 * approval prompt starts at it). A template, not an element: the share view owns the settings.
 */
import { html, type TemplateResult } from 'lit';
import type { AccessSettings } from '../controllers/sharer-controller.ts';
import { renderPermissionSelect } from '../lib/permission-select.ts';

export interface AccessFieldProps {
  access: AccessSettings;
  onChange(access: AccessSettings): void;
}

export function renderAccessField({ access, onChange }: AccessFieldProps): TemplateResult {
  return html`<fieldset class="access">
    <legend>Who may receive</legend>
    <label class="switch">
      <input type="checkbox" role="switch" data-testid="anyone-switch" .checked=${access.anyone}
        @change=${(event: Event) => onChange({ ...access, anyone: (event.target as HTMLInputElement).checked })} />
      Anyone with the link (no approval)
    </label>
    <label>
      New receivers get
      ${renderPermissionSelect({
        value: access.permission,
        testId: 'default-permission',
        label: 'What new receivers may do',
        onChange: (permission) => onChange({ ...access, permission }),
      })}
    </label>
    <p class="muted">${
      access.anyone
        ? 'Whoever has the link receives at once. Revoke cuts one off; they can come back with the link.'
        : 'Each receiver waits until you approve it here, after checking its words match.'
    }</p>
  </fieldset>`;
}
