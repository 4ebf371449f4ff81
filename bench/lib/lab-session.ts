// Labs created by a benchmark: each removed in `finally`, and all of them on SIGINT/SIGTERM, so
// an interrupted run leaves nothing behind.
import {labDown, labUp, type LabUpOptions, type LabUpResult} from '../../src/lab/index.js'

const open = new Set<string>()

export async function withLab<T>(options: LabUpOptions, body: (lab: LabUpResult) => Promise<T>): Promise<T> {
  open.add(options.name)
  try {
    const lab = await labUp({ping: false, ...options})
    return await body(lab)
  } finally {
    await labDown({name: options.name}).catch((error: unknown) => console.error(`lab down ${options.name}: ${(error as Error).message}`))
    open.delete(options.name)
  }
}

export async function closeAllLabs(): Promise<void> {
  for (const name of [...open]) {
    await labDown({name}).catch(() => {})
    open.delete(name)
  }
}

export function benchLabName(tag: string): string {
  return `b${tag}${process.pid}`.slice(0, 12)
}
