// Composition root of the command-line tools: each CLI opens its own Core from config() and closes it
// when done, so a script never shares state with another process's services.
import { config, type AppConfig } from "@/lib/config";
import { Core, type CoreOptions } from "@/lib/core";

/** A Core for a CLI run (or a test); the caller closes it. */
export function openCore(cfg: AppConfig = config(), opts: CoreOptions = {}): Core {
  return Core.open(cfg, opts);
}

/**
 * The tail every CLI script shares: run main(argv), exit with its code, or print the error's message (no
 * stack: the errors are written for the user) with the script's prefix and exit 1.
 */
export function runMain(main: (argv: string[]) => Promise<number>, errorPrefix = ""): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`${errorPrefix}${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
