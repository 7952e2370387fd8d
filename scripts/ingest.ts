// Import a tracker export into the database (DATABASE_URL, default file:./data/bugsift.db).
//
//   npm run ingest -- <file> --format bugzilla|github|jira|jsonl|csv
//        [--source KEY] [--links FILE] [--map field=column,...] [--base-url URL]
//        [--batch N] [--no-migrate] [--progress|--no-progress] [--max-errors N]
//
// Exit codes (see docs/import-formats.md):
//   0  import ran; some rows may have been rejected (listed, with a warning) as long as at
//      least one row was imported, updated or unchanged
//   1  import failed: database error, or no row of the input was usable
//   2  wrong usage: unknown option or format, missing/unreadable file
import { createReadStream, statSync, accessSync, constants as FS } from "node:fs";
import path from "node:path";
import { parseInput, isFormat } from "@/lib/ingest/formats";
import { FORMATS, type Format } from "@/lib/ingest/types";
import { parseMapping } from "@/lib/ingest/generic";
import { importRecords, type ImportSummary, type ImportIssue } from "@/lib/ingest/import";
import { CLI_LOGIN, systemActor } from "@/lib/accounts/actor";
import { recordEvent } from "@/lib/accounts/audit";

const USAGE = `usage: npm run ingest -- <file> --format ${FORMATS.join("|")} [options]

options:
  --source KEY        source key for every report (default per format: bugzilla, github:<owner/repo>
                      from html_url, jira:<PROJECT>, or the "source" field of JSONL/CSV rows)
  --links FILE        jira: CSV of duplicate pairs ("Issue id,Duplicate id"; several ids per cell allowed);
                      without --source an issue key is looked up in its own project (multi-project exports)
  --map SPEC          jsonl/csv: field=column pairs, e.g. title=summary,description=body,reporter=user.login
  --base-url URL      bugzilla/jira: tracker address used to build report URLs
  --batch N           reports per transaction (default 500)
  --no-migrate        do not apply pending database migrations first
  --progress          force the progress display on (default: on for a terminal, or for files >= 1 MB)
  --no-progress       no progress display
  --max-errors N      list at most N rejected rows (default 50; 0 = all)`;

class UsageError extends Error {}

interface Args {
  file: string;
  format: Format;
  source?: string;
  links?: string;
  map?: string;
  baseUrl?: string;
  batch: number;
  migrate: boolean;
  progress?: boolean;
  maxErrors: number;
}

function parseArgs(argv: string[]): Args {
  const files: string[] = [];
  const a: Partial<Args> & { batch: number; migrate: boolean; maxErrors: number } = { batch: 500, migrate: true, maxErrors: 50 };
  const value = (i: number, name: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    // Accept both "--format jira" and "--format=jira".
    if (eq > 0) {
      argv.splice(i + 1, 0, arg.slice(eq + 1));
    }
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    switch (name) {
      case "--format": a.format = value(++i, name) as Format; break;
      case "--source": a.source = value(++i, name); break;
      case "--links": a.links = value(++i, name); break;
      case "--map": a.map = value(++i, name); break;
      case "--base-url": a.baseUrl = value(++i, name); break;
      case "--batch": a.batch = Number(value(++i, name)); break;
      case "--max-errors": a.maxErrors = Number(value(++i, name)); break;
      case "--no-migrate": a.migrate = false; break;
      case "--progress": a.progress = true; break;
      case "--no-progress": a.progress = false; break;
      case "-h":
      case "--help": throw new UsageError("");
      default:
        if (name.startsWith("-")) throw new UsageError(`unknown option "${name}"`);
        files.push(arg);
    }
  }
  if (files.length !== 1) throw new UsageError(files.length === 0 ? "missing input file" : `expected one input file, got ${files.length}: ${files.join(" ")}`);
  if (!a.format) throw new UsageError(`missing --format (one of: ${FORMATS.join(", ")})`);
  if (!isFormat(a.format)) throw new UsageError(`unknown format "${a.format}" (expected one of: ${FORMATS.join(", ")})`);
  if (!Number.isInteger(a.batch) || a.batch < 1) throw new UsageError(`--batch must be a positive integer`);
  if (!Number.isInteger(a.maxErrors) || a.maxErrors < 0) throw new UsageError(`--max-errors must be a non-negative integer`);
  if (a.links && a.format !== "jira") throw new UsageError(`--links is only supported with --format jira`);
  if (a.map && a.format !== "jsonl" && a.format !== "csv") throw new UsageError(`--map is only supported with --format jsonl or csv`);
  return { ...a, file: files[0]! } as Args;
}

function checkReadable(file: string, what: string): number {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UsageError(`${what} ${file} is not a regular file`);
    size = st.size;
    accessSync(file, FS.R_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${what} ${file}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (err as Error).message}`);
  }
  return size;
}

/** Progress on stderr: a redrawn bar on a terminal, a line per ~10% otherwise. */
class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private lastDraw = 0;
  private lastDecile = 0;
  private counts = "0 records";
  constructor(private readonly total: number, private readonly enabled: boolean) {}

  update(bytes: number, counts?: string): void {
    if (!this.enabled) return;
    if (counts !== undefined) this.counts = counts;
    const frac = this.total > 0 ? Math.min(1, bytes / this.total) : 0;
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && frac < 1) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round(frac * width);
      process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${this.counts}\x1b[K`);
    } else {
      const decile = Math.floor(frac * 10);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        process.stderr.write(`progress: ${decile * 10}% of input read; ${this.counts}\n`);
      }
    }
  }

  done(): void {
    if (this.enabled && this.tty) process.stderr.write("\r\x1b[K");
  }
}

async function* countingStream(file: string, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of createReadStream(file)) {
    n += (chunk as Buffer).length;
    onBytes(n);
    yield chunk as Buffer;
  }
}

function fmtIssue(i: ImportIssue, mainName: string): string {
  return `  ${i.file ?? mainName}:${i.line}: ${i.message}`;
}

function printSummary(s: ImportSummary, a: Args, ms: number): void {
  const name = path.basename(a.file);
  const rows: [string, string][] = [
    ["imported", String(s.imported)],
    ["updated", String(s.updated)],
    ["unchanged", String(s.unchanged)],
    ["rejected", String(s.rejected)],
  ];
  if (s.skipped) rows.push(["skipped", `${s.skipped} (pull requests / not reports)`]);
  rows.push(["links", `${s.links.created} created, ${s.links.existing} existing, ${s.links.unresolved} unresolved`]);
  console.log(`Import of ${name} (format ${a.format}) in ${(ms / 1000).toFixed(1)} s`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(10)} ${v}`);
  const list = (title: string, items: ImportIssue[]) => {
    if (items.length === 0) return;
    const shown = a.maxErrors === 0 ? items : items.slice(0, a.maxErrors);
    console.log(`\n${title} (${items.length}):`);
    for (const i of shown) console.log(fmtIssue(i, name));
    if (shown.length < items.length) console.log(`  ... and ${items.length - shown.length} more (--max-errors 0 lists all)`);
  };
  list("Rejected rows", s.errors);
  list("Warnings", s.warnings);
}

async function main(argv: string[]): Promise<number> {
  let a: Args;
  let size: number;
  let map;
  try {
    a = parseArgs([...argv]);
    size = checkReadable(a.file, "input file");
    if (a.links) checkReadable(a.links, "links file");
    map = parseMapping(a.map);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && err.message.startsWith("--map"))) {
      if (err.message) console.error(`error: ${err.message}\n`);
      console.error(USAGE);
      return err.message ? 2 : 0;
    }
    throw err;
  }

  // Loaded only now so that usage errors answer fast (the Prisma client is heavy to load).
  const { createPrisma, redact } = await import("@/lib/db/client");
  const { config } = await import("@/lib/config");
  const { migrate } = await import("@/lib/offline/migrate/runner");
  const url = config().databaseUrl;
  if (a.migrate) {
    const r = await migrate(url);
    if (r.applied.length) console.error(`applied ${r.applied.length} migration(s) to ${redact(url)}`);
  }
  const prisma = createPrisma(url);
  const progress = new Progress(size, a.progress ?? (Boolean(process.stderr.isTTY) || size >= 1_000_000));
  let bytes = 0;
  const started = Date.now();
  try {
    const input = countingStream(a.file, (n) => {
      bytes = n;
      progress.update(n);
    });
    const items = parseInput(a.format, input, {
      source: a.source,
      baseUrl: a.baseUrl,
      links: a.links ? createReadStream(a.links) : undefined,
      linksName: a.links ? path.basename(a.links) : undefined,
      map,
    });
    const summary = await importRecords(prisma, items, {
      batchSize: a.batch,
      fraction: () => (size > 0 ? bytes / size : 0),
      onProgress: (p) =>
        progress.update(bytes, `${p.processed} records (imported ${p.imported}, updated ${p.updated}, unchanged ${p.unchanged}, rejected ${p.rejected})`),
    });
    progress.done();
    // Whoever runs a CLI has the server's files; the trail names the run as the system account "cli".
    await recordEvent(prisma, await systemActor(prisma, CLI_LOGIN), "import", path.basename(a.file), { format: a.format, imported: summary.imported, updated: summary.updated });
    printSummary(summary, a, Date.now() - started);
    const usable = summary.imported + summary.updated + summary.unchanged;
    if (usable === 0) {
      console.error(`\nerror: no report in ${a.file} could be imported${summary.rejected ? ` (${summary.rejected} rejected)` : ""}`);
      return 1;
    }
    if (summary.rejected > 0) {
      console.error(`\nwarning: ${summary.rejected} row(s) rejected (listed above); the other ${usable} were imported. Fix them and re-run: the import is idempotent.`);
    }
    if (summary.links.unresolved > 0) {
      console.error(`warning: ${summary.links.unresolved} duplicate link(s) point at reports that are not in the database`);
    }
    return 0;
  } finally {
    progress.done();
    await prisma.$disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: import failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
