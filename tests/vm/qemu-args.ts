import type { VmAssets } from './assets.ts';

export interface QemuLayout {
  readonly assets: VmAssets;
  /** The initramfs for this boot: the cached image plus the list of host paths to expose. */
  readonly initrd: string;
  readonly agentSocket: string;
  readonly consoleLog: string;
  readonly memoryMb: number;
  readonly cpus: number;
  /** Adds an xHCI controller (`-device qemu-xhci,id=xhci`) for usb-redir devices. */
  readonly usb: boolean;
  readonly extraQemuArgs: readonly string[];
}

/**
 * A minimal TCG machine: no default devices, the serial console to a file (kept for error reports),
 * the command agent on a virtio-serial port, the host's `/` read-only over virtio-9p, user networking
 * (the host is 10.0.2.2). `panic=-1` + `-no-reboot` turn a guest panic into a QEMU exit.
 */
export function qemuArgs(layout: QemuLayout): string[] {
  const { assets } = layout;
  const append = ['console=ttyS0', 'quiet', 'panic=-1', `ferry.moddir=${assets.kernel.modulesDir}`].join(' ');
  return [
    ...['-nodefaults', '-display', 'none', '-monitor', 'none', '-no-reboot'],
    ...['-accel', 'tcg', '-cpu', 'max', '-m', String(layout.memoryMb), '-smp', String(layout.cpus)],
    ...['-kernel', assets.kernel.vmlinuz, '-initrd', layout.initrd, '-append', append],
    ...['-serial', `file:${layout.consoleLog}`],
    ...['-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap'],
    ...['-device', 'virtio-serial-pci'],
    ...['-chardev', `socket,id=agent,path=${layout.agentSocket},server=on,wait=off`],
    ...['-device', 'virtserialport,chardev=agent,name=ferry.agent'],
    ...['-nic', 'user,model=virtio-net-pci'],
    ...(layout.usb ? ['-device', 'qemu-xhci,id=xhci'] : []),
    ...layout.extraQemuArgs,
  ];
}
