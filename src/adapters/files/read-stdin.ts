// All of standard input as text. Read from fd 0 as a stream, never by opening /dev/stdin: when
// stdin is a socket (node's child_process 'pipe', ssh, systemd's socket units) opening
// /proc/self/fd/0 fails with ENXIO.
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
