#!/bin/busybox sh
# The guest side of tests/vm/agent-protocol.ts, on the virtio-serial port named "ferry.agent".
# Request, one line:  <id> <timeout-seconds> <base64 of a /bin/sh script>
# Reply:  @@FERRY-OUT <id> / base64 lines / @@FERRY-ERR <id> / base64 lines / @@FERRY-END <id> <exit code>
# Commands run one at a time in the host-root chroot with a clean environment; a guest-side timeout
# (SIGKILL) keeps one hung command from wedging the agent.
port=
for name in /sys/class/virtio-ports/*/name; do
  [ "$(cat "$name")" = ferry.agent ] && port=/dev/$(basename "$(dirname "$name")")
done
[ -n "$port" ] || { echo "ferry-agent: no virtio port named ferry.agent"; poweroff -f; }

work=/host/tmp/ferry-agent
mkdir -p "$work"
exec 3<>"$port"
echo "@@FERRY-READY" >&3
while read -r id seconds script <&3; do
  echo "$script" | base64 -d > "$work/cmd"
  timeout -s KILL "$seconds" env -i PATH=/run/ferry/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root TMPDIR=/tmp XDG_CACHE_HOME=/tmp/.cache TERM=dumb LANG=C.UTF-8 \
    chroot /host /bin/sh /tmp/ferry-agent/cmd > "$work/out" 2> "$work/err" < /dev/null
  rc=$?
  { echo "@@FERRY-OUT $id"; base64 < "$work/out"; echo "@@FERRY-ERR $id"; base64 < "$work/err"; echo "@@FERRY-END $id $rc"; } >&3
done
poweroff -f
