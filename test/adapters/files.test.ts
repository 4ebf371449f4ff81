import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtemp, readdir, rm, stat, writeFile, chmod} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {readTextFile, writeFileAtomic} from '../../src/adapters/files/atomic-file.js'
import {FlanctlError} from '../../src/core/errors.js'

test('writes atomically with mode 0644, creating the directory, and leaves no temp file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flanctl-files-'))
  try {
    const path = join(dir, 'run', 'flannel', 'subnet.env')
    const old = process.umask(0o077)
    try {
      await writeFileAtomic(path, 'FLANNEL_NETWORK=198.18.0.0/16\n')
    } finally {
      process.umask(old)
    }
    assert.equal(await readTextFile(path), 'FLANNEL_NETWORK=198.18.0.0/16\n')
    assert.equal((await stat(path)).mode & 0o777, 0o644)
    await writeFileAtomic(path, 'second\n')
    assert.equal(await readTextFile(path), 'second\n')
    assert.deepEqual(await readdir(join(dir, 'run', 'flannel')), ['subnet.env'])
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
})

test('reading a missing file gives undefined; an unwritable path a FlanctlError naming it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flanctl-files-'))
  try {
    assert.equal(await readTextFile(join(dir, 'nope.env')), undefined)
    await writeFile(join(dir, 'plain-file'), 'x')
    const target = join(dir, 'plain-file', 'subnet.env') // a file where a directory should be
    await assert.rejects(writeFileAtomic(target, 'x'), (error: unknown) => error instanceof FlanctlError && error.code === 'E_SYSTEM' && error.message.includes(target))
    await chmod(join(dir, 'plain-file'), 0o644)
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
})
