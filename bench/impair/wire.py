#!/usr/bin/env python3
"""The bench's impairment wire: two TAP devices joined in userspace, every frame delayed by a fixed
one-way delay, IP frames dropped at random with a given probability, everything dropped during an
outage. It is the userspace stand-in for `tc qdisc … netem delay 25ms loss 5%` on a kernel without
sch_netem (bench/impair/netns.ts moves the two devices into two network namespaces it creates).

    wire.py TAP_A TAP_B

stdin, one JSON object per line, each answered by one JSON line on stdout:
    {"op": "set", "delay_ms": 25, "loss": 0.05, "seed": 1}  delay/loss for both directions
    {"op": "outage", "ms": 2000}                             drop every frame for that long, from now
    {"op": "stats"}                                          counters per direction (a→b, b→a)
The first line on stdout is {"ready": true} once both devices exist. When stdin closes (the bench
ended, or died) the wire exits, and the kernel removes both devices with their file descriptors.

Loss is Bernoulli per frame and per direction (netem's default model); only IPv4/IPv6 frames are
dropped, so ARP always resolves (delayed like everything else). Frames keep their order: the delay
is constant, so each direction is one FIFO. A direction holds at most MAX_QUEUED frames (a router's
buffer); beyond that frames are dropped and counted.
"""

import collections
import fcntl
import json
import os
import random
import select
import signal
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
MAX_QUEUED = 20000
IP_ETHERTYPES = (b"\x08\x00", b"\x86\xdd")


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


class Direction:
    def __init__(self, name):
        self.name = name
        self.queue = collections.deque()
        self.counts = {"frames": 0, "delivered": 0, "lost": 0, "outage": 0, "overflow": 0, "bytes": 0}


class Wire:
    def __init__(self, tap_a, tap_b):
        self.fds = (open_tap(tap_a), open_tap(tap_b))
        self.directions = (Direction("a-b"), Direction("b-a"))
        self.delay = 0.0
        self.loss = 0.0
        self.outage_until = 0.0
        self.rng = random.Random(1)

    def command(self, line):
        request = json.loads(line)
        op = request.get("op")
        if op == "set":
            self.delay = float(request.get("delay_ms", 0)) / 1000
            self.loss = float(request.get("loss", 0))
            if "seed" in request:
                self.rng.seed(request["seed"])
            return {"ok": True, "delay_ms": self.delay * 1000, "loss": self.loss}
        if op == "outage":
            self.outage_until = time.monotonic() + float(request["ms"]) / 1000
            return {"ok": True}
        if op == "stats":
            return {"ok": True, **{d.name: dict(d.counts) for d in self.directions}}
        return {"ok": False, "error": f"unknown op {op!r}"}

    def take(self, index, now):
        """Reads every frame waiting on one device into its direction's queue (or drops it)."""
        direction = self.directions[index]
        while True:
            try:
                frame = os.read(self.fds[index], 65536)
            except BlockingIOError:
                return
            direction.counts["frames"] += 1
            if now < self.outage_until:
                direction.counts["outage"] += 1
            elif self.loss > 0 and frame[12:14] in IP_ETHERTYPES and self.rng.random() < self.loss:
                direction.counts["lost"] += 1
            elif len(direction.queue) >= MAX_QUEUED:
                direction.counts["overflow"] += 1
            else:
                direction.queue.append((now + self.delay, frame))

    def release(self, now):
        """Writes every frame that is due to the other device; returns seconds to the next one due."""
        wait = None
        for index, direction in enumerate(self.directions):
            queue = direction.queue
            while queue and queue[0][0] <= now:
                _, frame = queue.popleft()
                try:
                    os.write(self.fds[1 - index], frame)
                    direction.counts["delivered"] += 1
                    direction.counts["bytes"] += len(frame)
                except OSError:
                    direction.counts["overflow"] += 1  # the device is down or its queue is full
            if queue:
                due = queue[0][0] - now
                wait = due if wait is None else min(wait, due)
        return wait


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: wire.py TAP_A TAP_B")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        # The wire should add the configured delay and nothing else: ahead of the paths it carries
        # (which compete for the same cores) when the machine is loaded. It sleeps in select otherwise.
        os.nice(-10)
    except OSError:
        pass  # not root: an ordinary priority, and a noisier delay
    wire = Wire(sys.argv[1], sys.argv[2])
    stdin = sys.stdin.fileno()
    os.set_blocking(stdin, False)
    pending = b""
    print(json.dumps({"ready": True}), flush=True)
    watched = [wire.fds[0], wire.fds[1], stdin]
    wait = None
    while True:
        readable, _, _ = select.select(watched, [], [], wait)
        now = time.monotonic()
        for index in (0, 1):
            if wire.fds[index] in readable:
                wire.take(index, now)
        if stdin in readable:
            chunk = os.read(stdin, 65536)
            if not chunk:
                return  # the bench is gone: so are we, and the devices with us
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.strip():
                    print(json.dumps(wire.command(line)), flush=True)
        wait = wire.release(time.monotonic())


if __name__ == "__main__":
    main()
