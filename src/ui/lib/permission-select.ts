/**
 * A select of the three permissions (docs/security.md), for the approval prompt, the receivers list and
 * the share page's default. A template, not an element: its owner keeps the value.
 */
import { html, type TemplateResult } from 'lit';
import {
  PERMISSION_LABELS,
  PERMISSION_SUMMARIES,
  PERMISSIONS,
  type Permission,
} from '../../transport/index.ts';

export interface PermissionSelectProps {
  value: Permission;
  testId: string;
  /** What the select is for, for screen readers (the visible label is the owner's). */
  label: string;
  onChange(permission: Permission): void;
}

export function renderPermissionSelect({
  value,
  testId,
  label,
  onChange,
}: PermissionSelectProps): TemplateResult {
  return html`<select
    data-testid=${testId}
    aria-label=${label}
    title=${PERMISSION_SUMMARIES[value]}
    @change=${(event: Event) => onChange((event.target as HTMLSelectElement).value as Permission)}
  >
    ${PERMISSIONS.map(
      (permission) =>
        html`<option value=${permission} .selected=${permission === value}>${PERMISSION_LABELS[permission]}</option>`,
    )}
  </select>`;
}
