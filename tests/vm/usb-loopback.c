/*
 * usb-loopback: drives a Gadget Zero (0525:a4a0) from the guest through usbfs, the way a userspace
 * driver (libusb) would, so the VM tests can check what the guest kernel gets through Ferry. Built
 * static at test time by tests/vm/static-helper.ts; the binary is never committed.
 *
 *   usb-loopback find VID PID
 *       prints /dev/bus/usb/BBB/DDD of the first device with that id (hex), from /sys/bus/usb/devices
 *   usb-loopback control DEV HEX
 *       vendor request 0x5b (OUT, the bytes) then 0x5c (IN, as many bytes); prints what came back (hex).
 *       Gadget Zero answers them in its source/sink configuration, the one the kernel selects.
 *   usb-loopback bulk DEV CONFIG TOTAL CHUNK DEPTH SEED
 *       sets configuration CONFIG (any kernel driver is detached first), claims interface 0, and writes
 *       TOTAL bytes of a xorshift32 stream (SEED) to its bulk OUT endpoint in CHUNK-byte URBs, reading each
 *       back from its bulk IN endpoint (both found in the descriptors usbfs returns), with DEPTH URBs in
 *       flight each way. Compares every byte and prints
 *       "ok BYTES bytes MS ms KBPS kB/s fnv HASH" (FNV-1a 32 of the bytes read), or "mismatch ...".
 * Errors print "error <strerror> <what>" on stdout and exit 2.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/usbdevice_fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEPTH 32
#define MAX_CHUNK 65536

/* The bulk pair of interface 0 in the configuration under test: 0x01/0x81 on the simulated Gadget Zero,
 * whatever the UDC's endpoint allocation gave on a real one (dummy_hcd: 0x02 OUT, 0x81 IN). */
static unsigned char ep_out = 0x01, ep_in = 0x81;

static int fail(const char *what) {
	printf("error %s %s\n", strerror(errno), what);
	return 2;
}

static long now_us(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000L;
}

static unsigned read_hex_file(const char *dir, const char *name) {
	char path[512], text[32] = {0};
	snprintf(path, sizeof path, "/sys/bus/usb/devices/%s/%s", dir, name);
	FILE *file = fopen(path, "r");
	if (!file) return 0xffffffff;
	if (!fgets(text, sizeof text, file)) text[0] = 0;
	fclose(file);
	return (unsigned)strtoul(text, NULL, 16);
}

static int find(const char *vid, const char *pid) {
	unsigned vendor = (unsigned)strtoul(vid, NULL, 16), product = (unsigned)strtoul(pid, NULL, 16);
	DIR *dir = opendir("/sys/bus/usb/devices");
	if (!dir) return fail("/sys/bus/usb/devices");
	for (struct dirent *entry; (entry = readdir(dir));) {
		if (entry->d_name[0] == '.' || strchr(entry->d_name, ':')) continue;
		if (read_hex_file(entry->d_name, "idVendor") != vendor) continue;
		if (read_hex_file(entry->d_name, "idProduct") != product) continue;
		/* busnum and devnum are decimal */
		char path[512];
		unsigned numbers[2];
		const char *names[2] = {"busnum", "devnum"};
		for (int i = 0; i < 2; i++) {
			snprintf(path, sizeof path, "/sys/bus/usb/devices/%s/%s", entry->d_name, names[i]);
			FILE *file = fopen(path, "r");
			if (!file || fscanf(file, "%u", &numbers[i]) != 1) return fail(path);
			fclose(file);
		}
		printf("/dev/bus/usb/%03u/%03u\n", numbers[0], numbers[1]);
		closedir(dir);
		return 0;
	}
	closedir(dir);
	printf("error not found %s:%s\n", vid, pid);
	return 2;
}

static int control(int fd, const char *hex) {
	unsigned char out[4096], in[4096];
	int len = (int)strlen(hex) / 2;
	if (len > (int)sizeof out) len = sizeof out;
	for (int i = 0; i < len; i++) sscanf(hex + 2 * i, "%2hhx", &out[i]);
	struct usbdevfs_ctrltransfer write = {
	    .bRequestType = 0x40, .bRequest = 0x5b, .wLength = (uint16_t)len, .timeout = 5000, .data = out};
	if (ioctl(fd, USBDEVFS_CONTROL, &write) != len) return fail("control 0x5b");
	struct usbdevfs_ctrltransfer read = {
	    .bRequestType = 0xc0, .bRequest = 0x5c, .wLength = (uint16_t)len, .timeout = 5000, .data = in};
	int got = ioctl(fd, USBDEVFS_CONTROL, &read);
	if (got < 0) return fail("control 0x5c");
	for (int i = 0; i < got; i++) printf("%02x", in[i]);
	printf("\n");
	return 0;
}

static uint32_t xorshift(uint32_t *state) {
	uint32_t x = *state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *state = x;
}

/* Byte `offset` onwards of the stream: generated in order, one call per chunk, so a state is kept. */
static void fill(unsigned char *buf, int len, uint32_t *state) {
	for (int i = 0; i < len; i++) buf[i] = (unsigned char)(xorshift(state) >> 24);
}

struct slot {
	struct usbdevfs_urb urb;
	unsigned char buf[MAX_CHUNK];
	long chunk;
};

static struct slot outs[MAX_DEPTH], ins[MAX_DEPTH];

static int submit(int fd, struct slot *slot, unsigned char endpoint, int len, long chunk) {
	memset(&slot->urb, 0, sizeof slot->urb);
	slot->urb.type = USBDEVFS_URB_TYPE_BULK;
	slot->urb.endpoint = endpoint;
	slot->urb.buffer = slot->buf;
	slot->urb.buffer_length = len;
	slot->urb.usercontext = slot;
	slot->chunk = chunk;
	return ioctl(fd, USBDEVFS_SUBMITURB, &slot->urb);
}

/* Walks the descriptors usbfs returns on read (device, then every configuration in full). */
static int find_bulk_endpoints(int fd, int config) {
	unsigned char d[16384];
	ssize_t n = pread(fd, d, sizeof d, 0);
	if (n < 18) return fail("read descriptors");
	int in_config = 0, in_interface0 = 0;
	for (ssize_t at = 18; at + 2 <= n && d[at] >= 2; at += d[at]) {
		unsigned char type = d[at + 1];
		if (type == 2) in_config = d[at + 5] == config, in_interface0 = 0;
		if (type == 4) in_interface0 = in_config && d[at + 2] == 0 && d[at + 3] == 0;
		if (type == 5 && in_interface0 && (d[at + 3] & 3) == 2) {
			if (d[at + 2] & 0x80) ep_in = d[at + 2];
			else ep_out = d[at + 2];
		}
	}
	return 0;
}

static int bulk(int fd, int config, long total, int chunk, int depth, uint32_t seed) {
	if (chunk < 1 || chunk > MAX_CHUNK || depth < 1 || depth > MAX_DEPTH || total < chunk)
		return printf("error bad arguments\n"), 2;
	/* A kernel driver (usbtest matches 0525:a4a0) must let go before the configuration can change. */
	struct usbdevfs_ioctl detach = {.ifno = 0, .ioctl_code = USBDEVFS_DISCONNECT};
	if (ioctl(fd, USBDEVFS_IOCTL, &detach) < 0 && errno != ENODATA) return fail("disconnect");
	unsigned value = (unsigned)config;
	if (ioctl(fd, USBDEVFS_SETCONFIGURATION, &value) < 0) return fail("setconfiguration");
	struct usbdevfs_disconnect_claim claim = {.interface = 0, .flags = 0};
	if (ioctl(fd, USBDEVFS_DISCONNECT_CLAIM, &claim) < 0) return fail("claim");
	if (find_bulk_endpoints(fd, config) != 0) return 2;

	long chunks = total / chunk;
	uint32_t write_state = seed ? seed : 1, check_state = write_state;
	uint32_t fnv = 2166136261u;
	unsigned char expected[MAX_CHUNK];
	long next_out = 0, next_in = 0, read_done = 0;
	long start = now_us();
	/* IN URBs first, as a driver keeps reads posted; then the OUTs that feed them. */
	for (int i = 0; i < depth && next_in < chunks; i++, next_in++)
		if (submit(fd, &ins[i], ep_in, chunk, next_in) < 0) return fail("submit in");
	for (int i = 0; i < depth && next_out < chunks; i++, next_out++) {
		fill(outs[i].buf, chunk, &write_state);
		if (submit(fd, &outs[i], ep_out, chunk, next_out) < 0) return fail("submit out");
	}
	/* Bulk IN URBs on one endpoint complete in submission order: the n-th read is the n-th write. */
	while (read_done < chunks) {
		struct usbdevfs_urb *urb;
		if (ioctl(fd, USBDEVFS_REAPURB, &urb) < 0) return fail("reap");
		struct slot *slot = urb->usercontext;
		if (urb->status != 0) {
			printf("error urb status %d on endpoint 0x%02x chunk %ld\n", urb->status, urb->endpoint,
			       slot->chunk);
			return 2;
		}
		if (urb->endpoint == ep_out) {
			if (urb->actual_length != chunk) return printf("error short write %d\n", urb->actual_length), 2;
			if (next_out < chunks) {
				fill(slot->buf, chunk, &write_state);
				if (submit(fd, slot, ep_out, chunk, next_out++) < 0) return fail("submit out");
			}
			continue;
		}
		if (slot->chunk != read_done) return printf("error in chunk %ld reaped before %ld\n", slot->chunk, read_done), 2;
		fill(expected, chunk, &check_state);
		if (urb->actual_length != chunk || memcmp(expected, slot->buf, chunk) != 0) {
			int at = 0;
			while (at < urb->actual_length && at < chunk && expected[at] == slot->buf[at]) at++;
			printf("mismatch chunk %ld length %d first difference at %d\n", read_done, urb->actual_length, at);
			return 2;
		}
		for (int i = 0; i < chunk; i++) fnv = (fnv ^ slot->buf[i]) * 16777619u;
		read_done++;
		if (next_in < chunks) {
			if (submit(fd, slot, ep_in, chunk, next_in++) < 0) return fail("submit in");
		}
	}
	long elapsed = now_us() - start;
	long bytes = chunks * chunk;
	printf("ok %ld bytes %ld ms %ld kB/s fnv %08x\n", bytes, elapsed / 1000,
	       elapsed > 0 ? bytes * 1000 / elapsed : 0, fnv);
	return 0;
}

int main(int argc, char **argv) {
	if (argc == 4 && strcmp(argv[1], "find") == 0) return find(argv[2], argv[3]);
	if (argc < 3) goto usage;
	int fd = open(argv[2], O_RDWR);
	if (fd < 0) return fail(argv[2]);
	if (argc == 4 && strcmp(argv[1], "control") == 0) return control(fd, argv[3]);
	if (argc == 8 && strcmp(argv[1], "bulk") == 0)
		return bulk(fd, atoi(argv[3]), atol(argv[4]), atoi(argv[5]), atoi(argv[6]),
		            (uint32_t)strtoul(argv[7], NULL, 0));
usage:
	fprintf(stderr, "usage: usb-loopback find VID PID | control DEV HEX | bulk DEV CONFIG TOTAL CHUNK DEPTH SEED\n");
	return 1;
}
