// subnet.env and friends: read whole, written atomically. A reader (docker's unit, a CNI plugin,
// mk-docker-opts) sees the old file or the new one, never half of one: the text goes to a temp
// file in the same directory (same filesystem, so rename is atomic), then is renamed over.
import {chmodSync, mkdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import {FlanctlError} from '../../core/errors.js'

/** The text of a file, or undefined when it does not exist. */
export async function readTextFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new FlanctlError('E_SYSTEM', `cannot read ${path}: ${(error as Error).message}`, {cause: error})
  }
}

/**
 * Writes text to path atomically with the given mode, creating the directory when missing. The
 * steps are synchronous: a few small calls, each of which would otherwise wait for a turn of
 * the event loop and of libuv's thread pool (10 ms at the agent's start, before READY).
 */
export async function writeFileAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`)
  try {
    mkdirSync(dir, {recursive: true, mode: 0o755})
    writeFileSync(temp, text, {mode})
    chmodSync(temp, mode) // the umask may have narrowed the mode given to writeFile
    renameSync(temp, path)
  } catch (error) {
    removeQuietly(temp)
    throw new FlanctlError('E_SYSTEM', `cannot write ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check that the directory is writable (flanctl up runs as root), or choose another file with --subnet-file.',
    })
  }
}

/** The temporary file gone, if it can be: its directory may be what failed. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, {force: true})
  } catch {
    // nothing was written there, or nothing can be removed: the caller's error says why
  }
}
