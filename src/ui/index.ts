/**
 * Registers every Ferry element. Components are defined here rather than in their own modules, so a
 * module can be imported (in a test, in another element's types) without side effects.
 */
import { FerryApp } from './app/app.ts';
import { FerryApprovalPrompt } from './approval-prompt/approval-prompt.ts';
import { FerryCodeEntry } from './code-entry/code-entry.ts';
import { FerryCollectionTree } from './collection-tree/collection-tree.ts';
import { FerryDemoControls } from './demo-controls/demo-controls.ts';
import { FerryDeviceFilters } from './device-filters/device-filters.ts';
import { FerryFeatureForm } from './feature-form/feature-form.ts';
import { FerryInputPlots } from './input-plots/input-plots.ts';
import { FerryInputReports } from './input-reports/input-reports.ts';
import { FerryNameField } from './name-field/name-field.ts';
import { FerryOutputForm } from './output-form/output-form.ts';
import { FerryReceiveView } from './receive-view/receive-view.ts';
import { FerryRemoteDevice } from './remote-device/remote-device.ts';
import { FerryShareInvite } from './share-invite/share-invite.ts';
import { FerryShareStatus } from './share-status/share-status.ts';
import { FerryShareView } from './share-view/share-view.ts';
import { FerryUsbControlForm } from './usb-control-form/usb-control-form.ts';
import { FerryUsbDevice } from './usb-device/usb-device.ts';
import { FerryUsbTransferForm } from './usb-transfer-form/usb-transfer-form.ts';

const ELEMENTS: ReadonlyArray<[string, CustomElementConstructor]> = [
  ['ferry-app', FerryApp],
  ['ferry-approval-prompt', FerryApprovalPrompt],
  ['ferry-code-entry', FerryCodeEntry],
  ['ferry-collection-tree', FerryCollectionTree],
  ['ferry-demo-controls', FerryDemoControls],
  ['ferry-device-filters', FerryDeviceFilters],
  ['ferry-feature-form', FerryFeatureForm],
  ['ferry-input-plots', FerryInputPlots],
  ['ferry-input-reports', FerryInputReports],
  ['ferry-name-field', FerryNameField],
  ['ferry-output-form', FerryOutputForm],
  ['ferry-receive-view', FerryReceiveView],
  ['ferry-remote-device', FerryRemoteDevice],
  ['ferry-share-invite', FerryShareInvite],
  ['ferry-share-status', FerryShareStatus],
  ['ferry-share-view', FerryShareView],
  ['ferry-usb-control-form', FerryUsbControlForm],
  ['ferry-usb-device', FerryUsbDevice],
  ['ferry-usb-transfer-form', FerryUsbTransferForm],
];

/** Safe to call twice (hot reload, a second bundle): an element already defined is left alone. */
export function registerFerryElements(registry: CustomElementRegistry = customElements): void {
  for (const [name, element] of ELEMENTS) {
    if (!registry.get(name)) registry.define(name, element);
  }
}

export { FerryApp, FerryReceiveView, FerryShareView };
