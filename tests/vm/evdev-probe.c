/*
 * evdev-probe: what the HID range VM test needs from an evdev node that Node cannot do (the EVIOCGBIT /
 * EVIOCGABS ioctls), plus a plain event reader so both checks use the same tool. Built static at test
 * time by tests/vm/static-helper.ts; the binary is never committed.
 *
 *   evdev-probe abs DEV                     one line per absolute axis: "code minimum maximum value"
 *   evdev-probe read DEV SYNCS TIMEOUT_MS   prints "ready", then "type code value" per event and "syn"
 *                                           per SYN_REPORT, until SYNCS reports were read
 * Errors print "error <errno text> <what>" on stdout and exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define BITS_PER_LONG (8 * sizeof(long))
#define LONGS(bits) (((bits) + BITS_PER_LONG - 1) / BITS_PER_LONG)

static int fail(const char *what) {
	printf("error %s %s\n", strerror(errno), what);
	return 2;
}

static long now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int print_absinfo(int fd) {
	unsigned long bits[LONGS(ABS_CNT)];
	memset(bits, 0, sizeof bits);
	if (ioctl(fd, EVIOCGBIT(EV_ABS, sizeof bits), bits) < 0) return fail("EVIOCGBIT(EV_ABS)");
	for (int code = 0; code < ABS_CNT; code++) {
		if (!(bits[code / BITS_PER_LONG] & (1UL << (code % BITS_PER_LONG)))) continue;
		struct input_absinfo abs;
		if (ioctl(fd, EVIOCGABS(code), &abs) < 0) return fail("EVIOCGABS");
		printf("%d %d %d %d\n", code, abs.minimum, abs.maximum, abs.value);
	}
	return 0;
}

static int read_events(int fd, int syncs, int timeout_ms) {
	long deadline = now_ms() + timeout_ms;
	printf("ready\n");
	fflush(stdout);
	for (int got = 0; got < syncs;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int left = (int)(deadline - now_ms());
		if (left <= 0 || poll(&p, 1, left) == 0) {
			printf("timeout after %d\n", got);
			return 3;
		}
		struct input_event event;
		if (read(fd, &event, sizeof event) != sizeof event) return fail("read");
		if (event.type == EV_SYN && event.code == SYN_REPORT) {
			printf("syn\n");
			got++;
		} else if (event.type != EV_SYN && event.type != EV_MSC) {
			printf("%d %d %d\n", event.type, event.code, event.value);
		}
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv) {
	if (argc < 3) {
		fprintf(stderr, "usage: evdev-probe abs|read DEV ...\n");
		return 1;
	}
	int fd = open(argv[2], O_RDONLY);
	if (fd < 0) return fail("open");
	if (!strcmp(argv[1], "abs") && argc == 3) return print_absinfo(fd);
	if (!strcmp(argv[1], "read") && argc == 5) return read_events(fd, atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "evdev-probe: bad arguments\n");
	return 1;
}
