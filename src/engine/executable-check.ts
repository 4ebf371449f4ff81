// Whether a path is an executable file on this machine, for `flanctl systemd --exec`: the unit
// may be written for another machine, so a miss is a warning, not an error.
import {constants} from 'node:fs'
import {access, stat} from 'node:fs/promises'

/** Why `path` cannot be run here ("does not exist", "is a directory", "is not executable"); undefined when it can. */
export async function notExecutableReason(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path)
    if (!info.isFile()) return info.isDirectory() ? 'is a directory' : 'is not a regular file'
    await access(path, constants.X_OK)
    return undefined
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return 'does not exist'
    if (code === 'EACCES') return 'is not executable (no x bit)'
    return `cannot be checked (${code ?? String(error)})`
  }
}
