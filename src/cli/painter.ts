// The one painter: every coloured word flanctl prints goes through a Painter, made once per run
// from colourWanted. Colour is off for NO_COLOR, --no-color, and output that is not a terminal.
// chalk paints, at the level we decide (its own detection would colour CI logs differently).

import {Chalk} from 'chalk'

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

export function painter(colour: boolean): Painter {
  const chalk = new Chalk({level: colour ? 1 : 0})
  return {red: chalk.red, green: chalk.green, yellow: chalk.yellow, cyan: chalk.cyan, dim: chalk.dim, bold: chalk.bold}
}
