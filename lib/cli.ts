// The tail every CLI script shares: run main(argv), exit with its code, or print the error's message (no
// stack: the errors are written for the user) with the script's prefix and exit 1.
export function runMain(main: (argv: string[]) => Promise<number>, errorPrefix = ""): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`${errorPrefix}${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
