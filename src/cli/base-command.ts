// Every flanctl command extends this. A command implements `execute()` (parse flags, make one
// engine/core call, return a typed result) and `render()` (the human view of that result).
// `--json` prints exactly the result plus `warnings`; human output, warnings and errors follow
// the same result, with colour off for NO_COLOR, --no-color and non-TTY output.
// oclif's subpath modules, not its index: the index also loads semver and the whole ux kit.
import {Command} from '@oclif/core/command'
import chalk from 'chalk'
import {EXIT_CODES} from '../core/errors.js'
import {globalFlags} from './global-flags.js'
import {colourWanted, errorJson, errorText, warningText} from './output.js'
import {toFlanctlError} from './to-flanctl-error.js'

export type WithWarnings<T> = T & {warnings: string[]}

export abstract class FlanctlCommand<T extends object> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = globalFlags

  private readonly collectedWarnings: string[] = []

  /** Does the work and returns the result that --json prints. */
  protected abstract execute(): Promise<T>

  /** The human view of the result (only called when --json is off). */
  protected abstract render(result: T): string

  override async init(): Promise<void> {
    await super.init()
    if (!colourWanted(this.argv)) chalk.level = 0
  }

  /** A warning goes into the result's `warnings` and, for people, onto stderr. */
  protected addWarning(message: string): void {
    this.collectedWarnings.push(message)
    if (!this.jsonEnabled()) process.stderr.write(warningText(message, chalk))
  }

  async run(): Promise<WithWarnings<T>> {
    const result = await this.execute()
    if (!this.jsonEnabled()) {
      const text = this.render(result)
      if (text !== '') process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
    }
    return {...result, warnings: this.collectedWarnings}
  }

  override async catch(err: Error & {exitCode?: number}): Promise<void> {
    const error = toFlanctlError(err)
    process.exitCode = error.exitCode
    if (this.jsonEnabled()) this.logJson(errorJson(error, this.collectedWarnings))
    process.stderr.write(errorText(error, chalk))
  }
}

export {EXIT_CODES, toFlanctlError}
