/** A mistake in the command line: printed with the usage, exit status 2 (as getopt-style tools do). */
export class UsageError extends Error {}

/** Runs a command, printing its error without a stack trace: status 2 for a usage mistake, 1 for a failure. */
export function runCommand(command: () => Promise<void>): void {
  command().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}
