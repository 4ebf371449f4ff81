// Where a flag's value came from, for error messages: the command line, its FLANNELD_* variable
// or the default. People who set FLANNELD_ETCD_ENDPOINTS in a unit file and forgot about it
// need the message to say so.
export function flagSource(name: string, argv: readonly string[], envName?: string): string {
  const onCommandLine = argv.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`))
  if (onCommandLine) return `--${name}`
  if (envName !== undefined && process.env[envName] !== undefined && process.env[envName] !== '') return `${envName} (environment)`
  return `--${name} (default)`
}
