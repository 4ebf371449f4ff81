/*
 * The benchmark's reference: a udp relay of flannel's C design (its udp backend's proxy), written
 * for the benchmark from the facts of that design, compiled by it with cc. One thread, poll() on
 * the TUN and the UDP socket; every packet is one read() from the TUN and one sendto() to the
 * PublicIP:port of the peer whose subnet holds its destination (longest prefix), every datagram
 * one recv() and one write() to the TUN. No extra header. The socket buffers get the same 4 MiB
 * as flanctl's relay, so the comparison is of the designs, not of a setting.
 *
 * usage: flannel-udp-relay BIND_IP PORT PEER_SUBNET/LEN=PUBLIC_IP...
 * Creates flannel0 (IFF_TUN | IFF_NO_PI); the caller gives it its address, MTU and route.
 * Prints "ready" when the device and socket are open; SIGTERM ends it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PEERS 256
#define BUF_SIZE 65536
#define DRAIN 64

struct peer {
	uint32_t net, mask;
	int len;
	struct sockaddr_in addr;
};

static struct peer peers[MAX_PEERS];
static int npeers;
static volatile sig_atomic_t stopping;

static void on_term(int sig) { (void)sig; stopping = 1; }

static void die(const char *what) { perror(what); exit(1); }

static int by_len_desc(const void *a, const void *b) { return ((const struct peer *)b)->len - ((const struct peer *)a)->len; }

static const struct peer *lookup(uint32_t dst) {
	for (int i = 0; i < npeers; i++)
		if ((dst & peers[i].mask) == peers[i].net) return &peers[i];
	return NULL;
}

int main(int argc, char **argv) {
	if (argc < 3) { fprintf(stderr, "usage: %s BIND_IP PORT PEER_SUBNET/LEN=PUBLIC_IP...\n", argv[0]); return 2; }
	int port = atoi(argv[2]);
	for (int i = 3; i < argc && npeers < MAX_PEERS; i++) {
		char subnet[64], ip[64];
		int len;
		if (sscanf(argv[i], "%63[^/]/%d=%63s", subnet, &len, ip) != 3) { fprintf(stderr, "bad peer %s\n", argv[i]); return 2; }
		struct peer *p = &peers[npeers++];
		p->len = len;
		p->mask = len == 0 ? 0 : htonl(0xffffffffu << (32 - len));
		p->net = inet_addr(subnet) & p->mask;
		p->addr.sin_family = AF_INET;
		p->addr.sin_port = htons(port);
		p->addr.sin_addr.s_addr = inet_addr(ip);
	}
	qsort(peers, npeers, sizeof peers[0], by_len_desc);

	int tun = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (tun < 0) die("open /dev/net/tun");
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strncpy(ifr.ifr_name, "flannel0", IFNAMSIZ - 1);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (ioctl(tun, TUNSETIFF, &ifr) < 0) die("TUNSETIFF");
	fcntl(tun, F_SETFL, fcntl(tun, F_GETFL) | O_NONBLOCK);

	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (sock < 0) die("socket");
	int size = 4 * 1024 * 1024;
	setsockopt(sock, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
	setsockopt(sock, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size);
	struct sockaddr_in bind_addr = {.sin_family = AF_INET, .sin_port = htons(port)};
	bind_addr.sin_addr.s_addr = inet_addr(argv[1]);
	if (bind(sock, (struct sockaddr *)&bind_addr, sizeof bind_addr) < 0) die("bind");

	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	printf("ready\n");
	fflush(stdout);

	static char buf[BUF_SIZE];
	struct pollfd fds[2] = {{.fd = tun, .events = POLLIN}, {.fd = sock, .events = POLLIN}};
	while (!stopping) {
		int n = poll(fds, 2, 1000);
		if (n < 0) {
			if (errno == EINTR) continue;
			die("poll");
		}
		if (fds[0].revents & POLLIN) {
			for (int i = 0; i < DRAIN; i++) {
				ssize_t len = read(tun, buf, sizeof buf);
				if (len < 0) break;
				if (len < 20 || (buf[0] >> 4) != 4) continue;
				uint32_t dst;
				memcpy(&dst, buf + 16, 4);
				const struct peer *p = lookup(dst);
				if (p == NULL) continue;
				while (sendto(sock, buf, len, 0, (const struct sockaddr *)&p->addr, sizeof p->addr) < 0 && errno == EAGAIN) {
					struct pollfd out = {.fd = sock, .events = POLLOUT};
					poll(&out, 1, 100);
				}
			}
		}
		if (fds[1].revents & POLLIN) {
			for (int i = 0; i < DRAIN; i++) {
				ssize_t len = recv(sock, buf, sizeof buf, 0);
				if (len < 0) break;
				if (write(tun, buf, len) < 0) { /* a full TUN queue drops it */ }
			}
		}
	}
	return 0;
}
