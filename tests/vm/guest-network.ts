/**
 * A network outage made inside the guest, for the issue-13 VM tests: the guest kernel (Debian's) has
 * sch_netem, which the host kernel here lacks. Everything the guest sends on eth0 is lost (netem loss
 * 100%) and everything it receives is dropped at ingress (matchall + gact drop), so both directions go
 * dark at once while the agent (virtio-serial) and the 9p root, which are not on eth0, keep working.
 * `tc` is the host's iproute2 binary, run in the guest through the 9p root like every other tool.
 */
import type { Vm } from './harness.ts';

export const OUTAGE_MODULES = ['sch_netem', 'sch_ingress', 'cls_matchall', 'act_gact'];

const CUT =
  'tc qdisc add dev eth0 root netem loss 100% && tc qdisc add dev eth0 ingress && ' +
  'tc filter add dev eth0 parent ffff: matchall action drop';
const RESTORE = 'tc qdisc del dev eth0 root; tc qdisc del dev eth0 ingress; true';

/** Loads the qdisc and filter modules (once per boot). */
export async function prepareGuestOutages(vm: Vm): Promise<void> {
  await vm.runOk(`modprobe -a ${OUTAGE_MODULES.join(' ')}`);
}

/** Cuts eth0 both ways, then runs `after` (e.g. writes a marker), in one guest command. */
export async function cutGuestNetwork(vm: Vm, after = 'true'): Promise<string> {
  return vm.runOk(`${CUT} && ${after}`);
}

/** Runs `before` (e.g. reads a log, writes a marker), then gives eth0 back, in one guest command. */
export async function restoreGuestNetwork(vm: Vm, before = 'true'): Promise<string> {
  return vm.runOk(`${before}; ${RESTORE}`);
}
