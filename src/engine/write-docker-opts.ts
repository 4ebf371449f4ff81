// `flanctl docker-opts`, flannel's mk-docker-opts.sh: reads subnet.env, writes docker's options
// (--bip, --ip-masq, --mtu) as a file docker's unit reads with EnvironmentFile=. Kept free of
// etcd and execa: it runs at every docker start and must start fast.
import {readFile} from 'node:fs/promises'
import {writeFileAtomic} from '../adapters/files/atomic-file.js'
import {dockerOpts, dockerOptsWarnings, type DockerOptsOptions} from '../core/docker-opts.js'
import {FlanctlError} from '../core/errors.js'
import {parseSubnetEnv} from '../core/subnet-env.js'

export interface WriteDockerOptsInput extends DockerOptsOptions {
  envFile: string
  outFile: string
  /** the process environment: like the script, which sources the file into a shell, variables
   * the file does not set (FLANNEL_*, DOCKER_OPT_*, the combined key) come from here */
  env: Record<string, string | undefined>
  dryRun?: boolean
}

export interface DockerOptsWritten {
  envFile: string
  outFile: string
  text: string
  written: boolean
  /** values docker will refuse (dockerOptsWarnings) */
  warnings: string[]
}

export async function writeDockerOpts(input: WriteDockerOptsInput): Promise<DockerOptsWritten> {
  let envText: string
  try {
    envText = await readFile(input.envFile, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new FlanctlError(code === 'ENOENT' ? 'E_NOT_FOUND' : 'E_SYSTEM', `cannot read the flannel env file ${input.envFile} (-f): ${code ?? String(error)}`, {
      hint: code === 'ENOENT' ? 'flanctl up (or flanneld) writes it once it holds a lease; is it running, with the same --subnet-file?' : undefined,
    })
  }
  const parsed = parseSubnetEnv(envText, input.envFile)
  if (!parsed.ok) throw new FlanctlError(parsed.error.code, parsed.error.message)
  const inherited: Record<string, string> = {}
  for (const [name, value] of Object.entries(input.env)) {
    if (value !== undefined && (name.startsWith('FLANNEL_') || name.startsWith('DOCKER_OPT_') || name === input.key)) inherited[name] = value
  }
  const vars = {...inherited, ...parsed.value}
  const rendered = dockerOpts(vars, input)
  // a message that starts with a variable the file does not set is about the environment
  const named = /^(\w+) /.exec(rendered.ok ? '' : rendered.error.message)?.[1]
  const where = named !== undefined && Object.hasOwn(inherited, named) && !Object.hasOwn(parsed.value, named) ? 'from the environment' : `in ${input.envFile}`
  if (!rendered.ok) throw new FlanctlError(rendered.error.code, `${rendered.error.message} (${where})`)
  if (input.dryRun !== true) {
    try {
      await writeFileAtomic(input.outFile, rendered.value, 0o644)
    } catch (error) {
      const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error) : (error as Error)
      throw new FlanctlError('E_SYSTEM', `cannot write the docker options file ${input.outFile} (-d): ${cause.message}`, {cause: error})
    }
  }
  const warnings = dockerOptsWarnings(vars).map((warning) => `${warning} (in ${input.envFile})`)
  return {envFile: input.envFile, outFile: input.outFile, text: rendered.value, written: input.dryRun !== true, warnings}
}
