import type { ConnectionClient, ConnectionLink, DeviceInfo, DeviceService } from './backend.ts';
import type { ChooserChoice, FakeCollectionInfo, FakeDeviceConfig, FakeHidConfig } from './config.ts';
import { FakeDeviceHandle } from './connection.ts';
import { type DeviceFilter, filterMatches } from './filters.ts';
import { GrantStore } from './grants.ts';
import { isFidoCollection, removeProtectedReports } from './protection.ts';
import { nextTask, postTask } from './tasks.ts';

/** Receives what HidService pushes to the renderer (`device.mojom.HidManagerClient`). */
export interface HidManagerClient {
  deviceAdded(info: DeviceInfo): void;
  deviceRemoved(info: DeviceInfo): void;
}

/** One configured device: its plug state, the origin's permission, and its current GUID. */
class DeviceSlot {
  handle: FakeDeviceHandle;
  connected: boolean;
  guid = crypto.randomUUID();
  /** What the renderer may see: content/browser/hid/hid_service.cc RemoveProtectedReports. */
  readonly visibleCollections: readonly FakeCollectionInfo[];

  constructor(
    readonly config: FakeDeviceConfig,
    private readonly grants: GrantStore,
  ) {
    this.handle = new FakeDeviceHandle(config);
    this.connected = config.connected ?? true;
    // `granted` in the config is a permission given before this test; one given since is in the store.
    if (config.granted) grants.set(config, true);
    this.visibleCollections = removeProtectedReports(config.collections);
  }

  /** The origin holds a permission for this device (HidChooserContext::HasDevicePermission). */
  get granted(): boolean {
    return this.grants.has(this.config);
  }

  set granted(granted: boolean) {
    this.grants.set(this.config, granted);
  }

  /** HidService drops devices whose every collection was filtered away. */
  get visible(): boolean {
    return this.visibleCollections.length > 0;
  }

  info(): DeviceInfo {
    const { vendorId, productId, productName } = this.config;
    return { guid: this.guid, vendorId, productId, productName, collections: this.visibleCollections };
  }
}

/**
 * The browser side of the fake: HidService (content/browser/hid/hid_service.cc), the chooser
 * (chrome/browser/ui/hid/hid_chooser_controller.cc) and the permission store (HidChooserContext).
 */
export class FakeHidService implements DeviceService {
  readonly #slots: DeviceSlot[];
  readonly #clients = new Set<HidManagerClient>();
  readonly chooserRequests: unknown[] = [];
  chooser: ChooserChoice;

  constructor(config: FakeHidConfig) {
    const grants = new GrantStore();
    this.#slots = config.devices.map((device) => new DeviceSlot(device, grants));
    this.chooser = config.chooser ?? 'first';
  }

  registerClient(client: HidManagerClient): void {
    this.#clients.add(client);
  }

  slot(deviceIndex: number): DeviceSlot {
    const slot = this.#slots[deviceIndex];
    if (!slot) throw new RangeError(`no fake HID device at index ${deviceIndex}`);
    return slot;
  }

  /** HidService::FinishGetDevices: permitted, plugged in, and not filtered to nothing. */
  async getDevices(): Promise<DeviceInfo[]> {
    await nextTask();
    return this.#slots
      .filter((slot) => slot.connected && slot.granted && slot.visible)
      .map((slot) => slot.info());
  }

  async requestDevice(filters: DeviceFilter[], exclusionFilters: DeviceFilter[]): Promise<DeviceInfo[]> {
    this.chooserRequests.push({ filters, exclusionFilters });
    await nextTask();
    const listed = this.#slots.filter(
      (slot) => slot.connected && this.#chooserLists(slot, filters, exclusionFilters),
    );
    const picked = this.#pick(listed);
    if (!picked) return []; // a cancelled chooser resolves with an empty list, not an error
    picked.granted = true;
    // HidService::FinishRequestDevice filters after the user picked, so a mouse-only device comes back [].
    return picked.visible ? [picked.info()] : [];
  }

  /** HidChooserController::DisplayDevice + FilterMatchesAny + IsExcluded, on the unfiltered device info. */
  #chooserLists(slot: DeviceSlot, filters: DeviceFilter[], exclusionFilters: DeviceFilter[]): boolean {
    const target = slot.config;
    if (target.collections.some(isFidoCollection)) return false;
    if (filters.length > 0 && !filters.some((filter) => filterMatches(filter, target))) return false;
    return !exclusionFilters.some((filter) => filterMatches(filter, target));
  }

  #pick(listed: DeviceSlot[]): DeviceSlot | undefined {
    const choice = this.chooser;
    if (choice === 'cancel') return undefined;
    if (choice === 'first') return listed[0];
    return listed.find((slot) => slot === this.#slots[choice.deviceIndex]);
  }

  async connect(guid: string, client: ConnectionClient): Promise<ConnectionLink | undefined> {
    await nextTask();
    const slot = this.#slots.find((candidate) => candidate.guid === guid);
    if (!slot?.connected || !slot.granted) return undefined;
    return slot.handle.openConnection(client);
  }

  async forget(guid: string): Promise<void> {
    await nextTask();
    const slot = this.#slots.find((candidate) => candidate.guid === guid);
    if (slot) slot.granted = false;
  }

  /**
   * The device disappears: the device service closes its connection pipes, then HidService tells
   * permitted pages. A device without a serial number only had an ephemeral permission, which
   * HidChooserContext revokes on removal.
   */
  async unplug(deviceIndex: number): Promise<void> {
    const slot = this.slot(deviceIndex);
    if (!slot.connected) return;
    slot.connected = false;
    slot.handle.disconnectAll();
    if (slot.granted && slot.visible) this.#notify((client) => client.deviceRemoved(slot.info()));
    if (!slot.config.serialNumber) slot.granted = false;
    await nextTask();
    await nextTask();
  }

  /** A (re)plugged device gets a new GUID, hence a new HIDDevice object in the page. */
  async plug(deviceIndex: number): Promise<void> {
    const slot = this.slot(deviceIndex);
    if (slot.connected) return;
    slot.connected = true;
    slot.guid = crypto.randomUUID();
    slot.handle = new FakeDeviceHandle(slot.config);
    if (slot.granted && slot.visible) this.#notify((client) => client.deviceAdded(slot.info()));
    await nextTask();
    await nextTask();
  }

  #notify(message: (client: HidManagerClient) => void): void {
    for (const client of this.#clients) postTask(() => message(client));
  }
}
