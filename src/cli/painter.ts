// The one painter: every coloured word flanctl prints goes through a Painter, made once per run
// from colourWanted. Colour is off for NO_COLOR, --no-color, and output that is not a terminal.
// Plain SGR codes: no colour library on the start path.

export interface Painter {
  red(text: string): string
  green(text: string): string
  yellow(text: string): string
  cyan(text: string): string
  dim(text: string): string
  bold(text: string): string
}

export function colourWanted(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, stream: {isTTY?: boolean} = process.stdout): boolean {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== ''
  const beforeDashDash = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv
  return !noColor && !beforeDashDash.includes('--no-color') && stream.isTTY === true
}

const sgr = (open: number, close: number) => (text: string) => `\u001B[${open}m${text}\u001B[${close}m`
const plain = (text: string) => text

export function painter(colour: boolean): Painter {
  if (!colour) return {red: plain, green: plain, yellow: plain, cyan: plain, dim: plain, bold: plain}
  return {red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), dim: sgr(2, 22), bold: sgr(1, 22)}
}
