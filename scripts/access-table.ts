// Prints the role x route table (lib/http/access.ts) as Markdown, the form docs/auth.md carries.
import { accessTableMarkdown } from "@/lib/http/access";

console.log(accessTableMarkdown());
