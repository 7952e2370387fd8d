// Paths on public responses: the server's filesystem layout (home dirs, deploy paths) is not the
// client's business, so absolute paths are shown relative to the app directory or by name only.
import path from "node:path";

/** Relative to the app directory when inside it, else "…/<last segment>". */
export function displayPath(p: string, root: string = process.cwd()): string {
  const abs = path.resolve(/*turbopackIgnore: true*/ root, p);
  const rel = path.relative(/*turbopackIgnore: true*/ root, abs);
  if (rel === "") return ".";
  if (rel !== ".." && !rel.startsWith(".." + path.sep) && !path.isAbsolute(rel)) return rel;
  return `…/${path.basename(abs)}`;
}

/** `text` with every absolute path (at the start or after a space, quote, bracket, "=" or ":") shortened by displayPath. */
export function redactPaths(text: string, root: string = process.cwd()): string {
  return text.replace(/(^|[\s'"`([=:])(\/[^\s'"`()[\],;]+)/g, (_m, pre: string, p: string) => pre + displayPath(p, root));
}
