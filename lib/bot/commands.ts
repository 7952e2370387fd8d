// Triagers answer the bot in the tracker. The "not a duplicate" command, on a line of its own in a comment:
//
//   /bugsift not-duplicate #12            (GitHub; also "bug 12" or "12" on Bugzilla, "PROJ-12" on Jira)
//   /bugsift not-duplicate #12 #40        (several at once)
//   /bugsift not a duplicate of #12       (the same, in words)
//
// Each named report gets a "not_duplicate" verdict against the commented report, so it is never suggested
// for it again (docs/sync.md).
const COMMAND = /^[ \t>]*\/bugsift[ \t]+not[- ](?:a[- ])?duplicate(?:[ \t]+of)?[ \t]+(.+)$/gim;
const ID = /(?:#|\bbug[ \t]+)?\b([A-Za-z][A-Za-z0-9_]*-\d+|\d+)\b/g;

/** External ids named by "not a duplicate" commands in a comment body. */
export function notDuplicateIds(body: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(COMMAND)) {
    for (const id of m[1]!.matchAll(ID)) {
      const v = id[1]!.toUpperCase();
      if (!out.includes(v)) out.push(v);
    }
  }
  return out;
}
