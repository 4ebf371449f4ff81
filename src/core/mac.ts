// MAC addresses as flanctl keeps them: lower-case "aa:bb:cc:dd:ee:ff".
// Go's ParseMAC spellings for a 6-byte address: colons, dashes (one kind throughout) or dotted quads
const MAC_SEPARATED = /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i
const MAC_DOTTED = /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i

/** "0a:58:..", "0A-58-..", "0a58.c000.020b" -> "0a:58:c0:00:02:0b"; undefined when not a 6-byte MAC. */
export function parseMac(text: string): string | undefined {
  const separated = MAC_SEPARATED.exec(text)
  if (separated !== null) return [1, 3, 4, 5, 6, 7].map((i) => separated[i]).join(':').toLowerCase()
  const dotted = MAC_DOTTED.exec(text)
  if (dotted !== null) return dotted.slice(1, 7).join(':').toLowerCase()
  return undefined
}

/** A random unicast, locally administered MAC, as flannel's mac.NewHardwareAddr and the kernel give a new device. */
export function randomMac(random: () => number): string {
  const bytes = Array.from({length: 6}, () => Math.floor(random() * 256) & 0xff)
  bytes[0] = (bytes[0] & 0xfe) | 0x02
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':')
}
