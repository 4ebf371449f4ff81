// subnet.env and friends: read whole, written atomically. A reader (docker's unit, a CNI plugin,
// mk-docker-opts) sees the old file or the new one, never half of one: the text goes to a temp
// file in the same directory (same filesystem, so rename is atomic), then is renamed over.
import {chmod, mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises'
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

/** Writes text to path atomically with the given mode, creating the directory when missing. */
export async function writeFileAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  const dir = dirname(path)
  const temp = join(dir, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`)
  try {
    await mkdir(dir, {recursive: true, mode: 0o755})
    await writeFile(temp, text, {mode})
    await chmod(temp, mode) // the umask may have narrowed the mode given to writeFile
    await rename(temp, path)
  } catch (error) {
    await rm(temp, {force: true}).catch(() => {})
    throw new FlanctlError('E_SYSTEM', `cannot write ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check that the directory is writable (flanctl up runs as root), or choose another file with --subnet-file.',
    })
  }
}
