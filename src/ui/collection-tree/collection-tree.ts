import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { HidCollectionInfo, HidDescriptorModel, HidReportInfo, HidReportType } from '../../hid/index.ts';
import type { CollectionBody } from '../../protocol/index.ts';
import { byteLength, collectionLabel, itemLabel } from '../lib/hid-model.ts';
import { collectionTreeStyles } from './collection-tree.styles.ts';

type ReportList = 'inputReports' | 'outputReports' | 'featureReports';

const REPORT_KINDS: ReadonlyArray<{ type: HidReportType; list: ReportList }> = [
  { type: 'input', list: 'inputReports' },
  { type: 'output', list: 'outputReports' },
  { type: 'feature', list: 'featureReports' },
];

/** The device's collections as WebHID gives them, with each report's id, kind, length and fields. */
export class FerryCollectionTree extends LitElement {
  static override styles = collectionTreeStyles;

  @property({ attribute: false }) collections: CollectionBody[] = [];
  @property({ attribute: false }) model: HidDescriptorModel | undefined;

  override render(): TemplateResult {
    // Announced collections are validated WebHID data; the shapes match member for member.
    const collections = this.collections as unknown as HidCollectionInfo[];
    return html`<ul class="tree" role="tree">${collections.map((collection) => this.renderCollection(collection))}</ul>`;
  }

  private renderCollection(collection: HidCollectionInfo): TemplateResult {
    const reports = REPORT_KINDS.flatMap(({ type, list }) =>
      collection[list]
        .filter((report) => !inChildren(collection, list, report.reportId))
        .map((report) => this.renderReport(type, report)),
    );
    return html`<li role="treeitem">
      <span class="collection">${collectionLabel(collection)}</span>
      ${reports.length > 0 ? html`<ul class="reports">${reports}</ul>` : nothing}
      ${
        collection.children.length > 0
          ? html`<ul role="group">${collection.children.map((child) => this.renderCollection(child))}</ul>`
          : nothing
      }
    </li>`;
  }

  private renderReport(type: HidReportType, report: HidReportInfo): TemplateResult {
    const length = byteLength(this.model, type, report.reportId);
    return html`<li class="report">
      <span class="kind ${type}">${type}</span> report ${report.reportId}
      ${length === undefined ? nothing : html`<span class="muted">· ${length} byte${length === 1 ? '' : 's'}</span>`}
      <ul class="fields">${report.items.map((item) => html`<li class="mono">${itemLabel(item)}</li>`)}</ul>
    </li>`;
  }
}

/**
 * Chrome copies every report into each ancestor collection; listing it only where no child has it
 * shows each report once, where the descriptor declared it.
 */
function inChildren(collection: HidCollectionInfo, list: ReportList, reportId: number): boolean {
  return collection.children.some(
    (child) =>
      child[list].some((report) => report.reportId === reportId) || inChildren(child, list, reportId),
  );
}

declare global {
  interface HTMLElementTagNameMap {
    'ferry-collection-tree': FerryCollectionTree;
  }
}
