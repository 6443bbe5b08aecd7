/*
 * hidraw-probe: what the uhid VM test needs from a hidraw node that Node cannot do (ioctls), plus
 * plain reads/writes so every check uses the same tool. Built static at test time by
 * tests/vm/static-helper.ts; the binary is never committed.
 *
 *   hidraw-probe info DEV                 bus/vendor/product and the report descriptor, in hex
 *   hidraw-probe read DEV COUNT TIMEOUT_MS  prints "ready", then one hex line per report read
 *   hidraw-probe write DEV HEX            one write(2) of the bytes (report id first if numbered)
 *   hidraw-probe getfeature DEV ID LEN    HIDIOCGFEATURE(LEN) with buf[0]=ID; prints the reply in hex
 *   hidraw-probe setfeature DEV HEX       HIDIOCSFEATURE with the bytes
 * Errors print "error <errno name>" on stdout and exit 2, so the test can assert on EIO.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/hidraw.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define BUF_MAX 4096

static int fail(const char *what) {
	printf("error %s %s\n", errno == EIO ? "EIO" : strerror(errno), what);
	return 2;
}

static void print_hex(const unsigned char *buf, int len) {
	for (int i = 0; i < len; i++) printf("%02x", buf[i]);
	printf("\n");
	fflush(stdout);
}

static int parse_hex(const char *hex, unsigned char *buf) {
	int len = (int)strlen(hex) / 2;
	if (len > BUF_MAX) len = BUF_MAX;
	for (int i = 0; i < len; i++) sscanf(hex + 2 * i, "%2hhx", &buf[i]);
	return len;
}

static long now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int info(int fd) {
	struct hidraw_devinfo dev;
	struct hidraw_report_descriptor desc;
	if (ioctl(fd, HIDIOCGRAWINFO, &dev) < 0) return fail("HIDIOCGRAWINFO");
	if (ioctl(fd, HIDIOCGRDESCSIZE, &desc.size) < 0) return fail("HIDIOCGRDESCSIZE");
	if (ioctl(fd, HIDIOCGRDESC, &desc) < 0) return fail("HIDIOCGRDESC");
	printf("bus %d vendor %d product %d\n", dev.bustype, (unsigned short)dev.vendor, (unsigned short)dev.product);
	print_hex(desc.value, (int)desc.size);
	return 0;
}

static int read_reports(int fd, int count, int timeout_ms) {
	unsigned char buf[BUF_MAX];
	long deadline = now_ms() + timeout_ms;
	printf("ready\n");
	fflush(stdout);
	for (int got = 0; got < count;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int left = (int)(deadline - now_ms());
		if (left <= 0 || poll(&p, 1, left) == 0) {
			printf("timeout after %d\n", got);
			return 3;
		}
		int len = (int)read(fd, buf, sizeof buf);
		if (len < 0) return fail("read");
		print_hex(buf, len);
		got++;
	}
	return 0;
}

int main(int argc, char **argv) {
	unsigned char buf[BUF_MAX];
	if (argc < 3) {
		fprintf(stderr, "usage: hidraw-probe info|read|write|getfeature|setfeature DEV ...\n");
		return 1;
	}
	const char *cmd = argv[1];
	int fd = open(argv[2], O_RDWR);
	if (fd < 0) return fail("open");
	if (!strcmp(cmd, "info")) return info(fd);
	if (!strcmp(cmd, "read") && argc == 5) return read_reports(fd, atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(cmd, "write") && argc == 4) {
		int len = parse_hex(argv[3], buf);
		if (write(fd, buf, len) != len) return fail("write");
		printf("ok\n");
		return 0;
	}
	if (!strcmp(cmd, "getfeature") && argc == 5) {
		int len = atoi(argv[4]);
		if (len < 1 || len > BUF_MAX) return 1;
		memset(buf, 0, sizeof buf);
		buf[0] = (unsigned char)atoi(argv[3]);
		int got = ioctl(fd, HIDIOCGFEATURE(len), buf);
		if (got < 0) return fail("HIDIOCGFEATURE");
		print_hex(buf, got);
		return 0;
	}
	if (!strcmp(cmd, "setfeature") && argc == 4) {
		int len = parse_hex(argv[3], buf);
		if (ioctl(fd, HIDIOCSFEATURE(len), buf) < 0) return fail("HIDIOCSFEATURE");
		printf("ok\n");
		return 0;
	}
	fprintf(stderr, "hidraw-probe: bad arguments\n");
	return 1;
}
