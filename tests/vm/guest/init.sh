#!/bin/busybox sh
# PID 1 of the test VM (packed into the initramfs by tests/vm/initramfs.ts). It loads the boot
# modules, mounts the host's `/` read-only over virtio-9p at /host, prepares /host as a chroot in
# which the host's own binaries (node, usbip, the repo) run against the guest kernel, brings up
# QEMU user networking (the host is 10.0.2.2), and hands over to the command agent.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
dmesg -n 1

fail() { echo "ferry-init: $*"; poweroff -f; }

while read -r module; do
  insmod "/lib/modules/$module" || echo "ferry-init: insmod $module failed"
done < /etc/ferry/boot-modules

moddir=$(sed -n 's/.*ferry.moddir=\([^ ]*\).*/\1/p' /proc/cmdline)
mkdir -p /host
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /host \
  || fail "cannot mount the host root over 9p"

# Fresh kernel filesystems inside the chroot; mounting over directories of a read-only fs is fine.
mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mount -t devtmpfs devtmpfs /host/dev
# The guest gets its own writable /tmp, /run, /root and /var/tmp; a host path the tests need (the
# repository, the corpus beside it: /etc/ferry/expose, one per line) may live below one of them, so
# it is bound aside first and put back on top of the fresh tmpfs.
n=0
while IFS= read -r path; do
  [ -n "$path" ] || continue
  # A path that is a symlink (../shared linked to the corpus elsewhere) is bound from its target, which
  # an absolute link names as the host sees it: under /host here.
  src="/host$path"
  if [ -L "$src" ]; then
    link=$(readlink "$src")
    case "$link" in /*) src="/host$link" ;; *) src="$(dirname "$src")/$link" ;; esac
  fi
  [ -d "$src" ] || continue
  n=$((n + 1)) && mkdir -p "/exposed/$n" && mount --bind "$src" "/exposed/$n"
  printf '%s\n' "$path" > "/exposed/$n.path"
done < /etc/ferry/expose
for dir in /host/tmp /host/run /host/root /host/var/tmp; do mount -t tmpfs tmpfs "$dir"; done
for saved in /exposed/*.path; do
  [ -f "$saved" ] || continue
  path=$(cat "$saved") && mkdir -p "/host$path" && mount --bind "${saved%.path}" "/host$path" \
    || fail "cannot expose $path to the guest"
done
mkdir -p /host/dev/shm /host/dev/pts && mount -t tmpfs tmpfs /host/dev/shm
mkdir -p /host/run/ferry/bin && cp /bin/busybox /host/run/ferry/bin/busybox

# The guest kernel's full module tree (extracted on the host, depmod'ed), for modprobe by alias:
# at /lib/modules/<version> in the initramfs root (mdev, busybox modprobe), and through a kmod
# wrapper with -d in the chroot, whose /lib is the host's and read-only.
if [ -n "$moddir" ] && [ -d "/host$moddir" ]; then
  mkdir -p "/lib/modules/$(uname -r)" && mount --bind "/host$moddir" "/lib/modules/$(uname -r)"
  printf '#!/bin/sh\nexec /sbin/modprobe -d "%s" "$@"\n' "${moddir%/lib/modules/*}" > /host/run/ferry/bin/modprobe
  chmod 755 /host/run/ferry/bin/modprobe
fi

# No udev, and Debian's kernel has no uevent helper: busybox mdev listens on netlink instead and
# loads the driver of a hot-plugged device (usbip, usb-redir) by its MODALIAS, as udev would.
echo '$MODALIAS=.* 0:0 660 @/bin/busybox modprobe -q -b "$MODALIAS"' > /etc/mdev.conf
mdev -d

ip link set lo up
ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2

exec /bin/ferry-agent
