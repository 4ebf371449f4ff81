// The libc calls the udp relay makes, through koffi (an FFI with prebuilt binaries from the npm
// registry): Node itself cannot open a TUN device (ioctl TUNSETIFF), poll a raw fd or batch
// datagrams. Pointers are passed as plain addresses (intptr_t) into memory the relay allocated
// with malloc, so a call marshals nothing. Loaded only by the relay's worker thread.
import {createRequire} from 'node:module'

type Koffi = typeof import('koffi')

// koffi is CommonJS with a native addon: required, never bundled
const koffi = createRequire(import.meta.url)('koffi') as Koffi

export interface Libc {
  malloc(size: number): unknown
  free(ptr: unknown): void
  /** the address of memory from malloc, and a view of it */
  address(ptr: unknown): number
  view(ptr: unknown, length: number): ArrayBuffer
  open(path: string, flags: number): number
  close(fd: number): number
  ioctl(fd: number, request: number, arg: number): number
  read(fd: number, buf: number, count: number): number
  write(fd: number, buf: number, count: number): number
  poll(fds: number, nfds: number, timeoutMs: number): number
  socket(domain: number, type: number, protocol: number): number
  setsockopt(fd: number, level: number, name: number, value: number, length: number): number
  bind(fd: number, addr: number, length: number): number
  sendmmsg(fd: number, msgvec: number, vlen: number, flags: number): number
  recvmmsg(fd: number, msgvec: number, vlen: number, flags: number, timeout: number): number
  eventfd(initval: number, flags: number): number
  setns(fd: number, nstype: number): number
  /** errno of the last failed call, and its text */
  errno(): number
  strerror(errno: number): string
}

export function loadLibc(): Libc {
  const lib = koffi.load('libc.so.6')
  const fn = (decl: string) => lib.func(decl)
  const errnoLocation = fn('int *__errno_location()')
  const strerror = fn('const char *strerror(int errnum)')
  const malloc = fn('void *malloc(size_t size)')
  return {
    malloc: (size) => {
      const ptr = malloc(size)
      if (ptr === null) throw new Error(`malloc(${size}) failed`)
      return ptr
    },
    free: fn('void free(void *ptr)'),
    address: (ptr) => Number(koffi.address(ptr)),
    view: (ptr, length) => koffi.view(ptr, length),
    open: fn('int open(const char *path, int flags)'),
    close: fn('int close(int fd)'),
    ioctl: fn('int ioctl(int fd, unsigned long request, intptr_t arg)'),
    read: fn('intptr_t read(int fd, intptr_t buf, size_t count)'),
    write: fn('intptr_t write(int fd, intptr_t buf, size_t count)'),
    poll: fn('int poll(intptr_t fds, unsigned long nfds, int timeout)'),
    socket: fn('int socket(int domain, int type, int protocol)'),
    setsockopt: fn('int setsockopt(int fd, int level, int name, intptr_t value, uint32_t length)'),
    bind: fn('int bind(int fd, intptr_t addr, uint32_t length)'),
    sendmmsg: fn('int sendmmsg(int fd, intptr_t msgvec, unsigned int vlen, int flags)'),
    recvmmsg: fn('int recvmmsg(int fd, intptr_t msgvec, unsigned int vlen, int flags, intptr_t timeout)'),
    eventfd: fn('int eventfd(unsigned int initval, int flags)'),
    setns: fn('int setns(int fd, int nstype)'),
    errno: () => koffi.decode(errnoLocation(), 'int') as number,
    strerror: (errno) => strerror(errno) as string,
  }
}
