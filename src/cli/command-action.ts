// The body of a command that must start fast (docker-opts): flags in, typed result out, and its
// human view, with no oclif import. The oclif command wraps it; bin/run.js's fast path runs it
// directly with flags parsed from the manifest (see fast-path.ts).
export interface ActionContext {
  addWarning(message: string): void
}

export interface CommandAction<F, T extends object> {
  run(flags: F, context: ActionContext): Promise<T>
  render(result: T): string
}
