/** The VM test harness: the one module other tests import. See docs/receiver.md, "The VM test harness". */
export type { CommandResult } from './agent-protocol.ts';
export { ensureVmAssets, type VmAssets } from './assets.ts';
export { ensureStaticHelper } from './static-helper.ts';
export { type RunOptions, type StartVmOptions, startVm, Vm, VmError } from './vm.ts';
