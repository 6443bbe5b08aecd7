import { collectionsFromDescriptor } from '../../hid/index.ts';
import type { CollectionBody } from '../../protocol/index.ts';
import { SimulatedHidDevice } from './simulated-hid-device.ts';

/**
 * The report descriptor of a real 3Dconnexion SpaceNavigator (2016 unit, 046d:c626, 228 bytes), from
 * the udev-hid-bpf SpaceNavigator case study (GPL-2.0 project; device data). It is the same descriptor as
 * ../shared/corpus/hid/3dconnexion-spacenavigator-usb.json. Report 1 = X/Y/Z, report 2 = Rx/Ry/Rz
 * (16-bit, -350..350), report 3 = two buttons, output report 4 = LED, feature reports 5..0x19.
 * Its axes are declared Relative although they are absolute: a real quirk, kept on purpose.
 */
const SPACENAVIGATOR_DESCRIPTOR =
  '05010908a101a100850116a2fe265e013688fa467805550c6511093009310932751095038106c0a1008502093309340935' +
  '751095038106c0a102850305010509190129021500250135004501750195028102950e8103c0a10285040508094b150025' +
  '01950175019102950175079103c00600ff0901a1021580257f7508093aa102850509209501b102c0a102850609219501b1' +
  '02c0a102850709229501b102c0a102850809239507b102c0a102850909249507b102c0a102850a09259507b102c0a10285' +
  '0b09269501b102c0a1028513092e9501b102c0a102851909319504b102c0c0c0';

export const AXIS_LIMIT = 350;
export type Axes = [x: number, y: number, z: number, rx: number, ry: number, rz: number];

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export function spaceNavigatorDescriptor(): Uint8Array {
  return hexBytes(SPACENAVIGATOR_DESCRIPTOR);
}

/** A demo SpaceNavigator driven by on-screen controls; it streams like the real one while displaced. */
export class DemoSpaceNavigator extends SimulatedHidDevice {
  private axes: Axes = [0, 0, 0, 0, 0, 0];
  private buttons = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  led = false;

  constructor() {
    super({
      vendorId: 0x046d,
      productId: 0xc626,
      productName: 'SpaceNavigator (Ferry demo)',
      collections: collectionsFromDescriptor(spaceNavigatorDescriptor()) as unknown as CollectionBody[],
    });
    this.addEventListener('output', (event) => {
      const { reportId, data } = event as Event & { reportId: number; data: Uint8Array };
      if (reportId === 4) this.led = ((data[0] ?? 0) & 1) === 1;
    });
  }

  override async open(): Promise<void> {
    await super.open();
    // A real SpaceNavigator repeats its axis reports every ~16 ms while the cap is displaced.
    this.timer = setInterval(() => this.streamAxes(), 16);
  }

  override async close(): Promise<void> {
    clearInterval(this.timer);
    await super.close();
  }

  setAxes(axes: Axes): void {
    this.axes = axes.map((a) => Math.max(-AXIS_LIMIT, Math.min(AXIS_LIMIT, Math.round(a)))) as Axes;
    this.sendAxes();
  }

  setButton(index: 0 | 1, pressed: boolean): void {
    const mask = 1 << index;
    this.buttons = pressed ? this.buttons | mask : this.buttons & ~mask;
    this.emitInput(3, Uint8Array.of(this.buttons, 0));
  }

  private streamAxes(): void {
    if (this.axes.some((a) => a !== 0)) this.sendAxes();
  }

  private sendAxes(): void {
    this.emitInput(1, int16Triple(this.axes[0], this.axes[1], this.axes[2]));
    this.emitInput(2, int16Triple(this.axes[3], this.axes[4], this.axes[5]));
  }
}

function int16Triple(a: number, b: number, c: number): Uint8Array {
  const bytes = new Uint8Array(6);
  const view = new DataView(bytes.buffer);
  view.setInt16(0, a, true);
  view.setInt16(2, b, true);
  view.setInt16(4, c, true);
  return bytes;
}
