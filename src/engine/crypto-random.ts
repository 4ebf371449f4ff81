// A uniform number in [0, 1) from the OS's CSPRNG: subnet choice and VtepMACs must not repeat
// across hosts that start at the same moment.
import {randomBytes} from 'node:crypto'

export function cryptoRandom(): number {
  return randomBytes(6).readUIntBE(0, 6) / 2 ** 48
}
