// 405 answers for unimplemented methods (lib/http/methods) and path redaction on public responses
// (lib/status/paths). The real routes are covered over HTTP by tests/integration/api-public.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { allowHeader, otherMethods } from "@/lib/http/methods";
import { displayPath, redactPaths } from "@/lib/status/paths";

test("otherMethods answers every missing method with a JSON 405 and an Allow header", async () => {
  const h = otherMethods(["GET"]);
  assert.deepEqual(Object.keys(h).sort(), ["DELETE", "OPTIONS", "PATCH", "POST", "PUT"], "HEAD comes with GET, so it is not overridden");
  const res = await h.POST(new Request("http://x/api/search", { method: "POST" }));
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET, HEAD, OPTIONS");
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = await res.json();
  assert.equal(body.error.code, "method_not_allowed");
  assert.match(body.error.message, /POST/);
  const opt = await h.OPTIONS(new Request("http://x/api/search", { method: "OPTIONS" }));
  assert.equal(opt.status, 204);
  assert.equal(opt.headers.get("allow"), "GET, HEAD, OPTIONS");
});

test("otherMethods on a POST-only route also answers GET and HEAD", async () => {
  const h = otherMethods(["POST"]);
  assert.deepEqual(Object.keys(h).sort(), ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "PUT"]);
  const res = await h.GET(new Request("http://x/api/duplicates"));
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "POST, OPTIONS");
  assert.equal(allowHeader(["GET", "PATCH", "DELETE"]), "GET, HEAD, PATCH, DELETE, OPTIONS");
  assert.throws(() => otherMethods([]), /at least one method/);
});

// With credentials the check needs the account tables; tests/integration/pages-http.test.ts covers tokens and
// admins over HTTP. Here: an anonymous caller of an admin route hears 401 whatever the method.
test("otherMethods asks the access table first: an anonymous caller of an admin route gets 401, not 405", async () => {
  const h = otherMethods(["GET"]);
  const anon = await h.POST(new Request("http://x/api/admin/sweep", { method: "POST" }));
  assert.equal(anon.status, 401);
  assert.equal((await anon.json()).error.code, "unauthorized");
  assert.equal((await h.OPTIONS(new Request("http://x/api/admin/sweep", { method: "OPTIONS" }))).status, 401);
  assert.equal((await h.DELETE(new Request("http://x/api/admin/sweep", { method: "DELETE" }))).status, 401);
});

test("displayPath and redactPaths never show an absolute path", () => {
  assert.equal(displayPath("/srv/app/models/default", "/srv/app"), "models/default");
  assert.equal(displayPath("models/default", "/srv/app"), "models/default");
  assert.equal(displayPath("/home/alice/secret/models/x", "/srv/app"), "…/x");
  assert.equal(displayPath("/srv/app-other/m", "/srv/app"), "…/m");
  assert.equal(displayPath("/srv/app", "/srv/app"), ".");
  assert.equal(
    redactPaths(`ENOENT: no such file or directory, open '/home/alice/m/model.onnx' (cwd=/srv/app/data/x.db)`, "/srv/app"),
    `ENOENT: no such file or directory, open '…/model.onnx' (cwd=data/x.db)`,
  );
  assert.equal(redactPaths("/abs/dir does not exist", "/srv/app"), "…/dir does not exist");
  assert.equal(redactPaths("index dims 256 differ from model dims 384", "/srv/app"), "index dims 256 differ from model dims 384");
});
