// Lint = the architecture's rules, checked (docs/architecture.md): TypeScript hygiene from typescript-eslint,
// no import cycles (import-x/no-cycle), and the layer boundaries below as restricted import patterns.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

/** Import patterns a layer must not use, with the reason shown in the lint message. */
const forbid = (...rules) => ({
  "no-restricted-imports": ["error", { patterns: rules.map(([group, message]) => ({ group, message })) }],
});
const NEXT = [["next", "next/*", "react", "react-dom", "@/app/*", "@/components/*"], "lib/ is the core: it knows nothing of Next.js, React or the UI"];
const TESTS = [["@/tests/*"], "product code never imports test code"];
const HTTP = [["@/lib/http/*"], "the HTTP edge (lib/http) depends on the domain, never the reverse"];
const OFFLINE = [["@/lib/offline/*"], "the serving core never reaches offline tooling (train, eval, onnx, doctor, migrate)"];
const APP_ENTRY = [["@/app/*", "@/scripts/*"], "entry points are leaves: nothing imports them"];

export default tseslint.config(
  { ignores: ["node_modules/**", ".next/**", "lib/generated/**", "next-env.d.ts", "models/**", "data/**", "tmp/**", "training/.venv/**", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { "import-x": importX },
    settings: { "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })] },
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "no-restricted-imports": ["error", { patterns: [{ regex: "^\\.\\.?/", message: "one import style: use the @/ alias" }] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  { files: ["lib/**"], ignores: ["lib/http/**", "lib/offline/**"], rules: forbid(NEXT, TESTS, HTTP, OFFLINE, APP_ENTRY) },
  { files: ["lib/http/**"], rules: forbid(NEXT, TESTS, OFFLINE, APP_ENTRY) },
  { files: ["lib/offline/**"], rules: forbid(NEXT, TESTS, HTTP, APP_ENTRY) },
  { files: ["bench/**", "scripts/**", "components/**"], rules: forbid(TESTS, APP_ENTRY) },
);
