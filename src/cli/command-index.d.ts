// The commands, made by the build (scripts/build.js) from the files under src/commands: each id
// (`subnets ls` for src/commands/subnets/ls.ts) with a loader of its definition.
declare module 'flanctl:commands' {
  import type {CommandDefinition} from './command-definition.js'

  export const COMMANDS: Record<string, () => Promise<{default: CommandDefinition<any, any, any>}>>
}
