// iproute2: running `ip` and `bridge` (run.ts), their batches (apply.ts) and the host's
// interfaces (interfaces.ts). Everything takes an optional netns (tests, lab); the agent runs
// inside its namespace and passes none. What each backend reads and writes with them lives in
// its folder under src/backends.
export {applyBatchLines, type ApplyOptions, type BatchLine} from './apply.js'
export {
  defaultRouteInterface,
  findExternalInterface,
  listInterfaces,
  readInterface,
  type FindExternalInterfaceOptions,
  type InterfaceOptions,
} from './interfaces.js'
