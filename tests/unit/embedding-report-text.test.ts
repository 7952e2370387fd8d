import { test } from "node:test";
import assert from "node:assert/strict";
import { buildReportText, extractTraces, normalizeVolatile, stripBoilerplate } from "@/lib/embedding/report-text";

const JAVA = `While writing a file the client fails:
2013-05-01 12:34:56,789 WARN org.apache.hadoop.hdfs.DFSClient: DataStreamer Exception
java.io.IOException: No space left on device for blk_1073741825_1001
	at org.apache.hadoop.hdfs.server.datanode.BlockReceiver.receivePacket(BlockReceiver.java:512)
	at org.apache.hadoop.hdfs.server.datanode.BlockReceiver.receiveBlock(BlockReceiver.java:700)
	at org.apache.hadoop.hdfs.server.datanode.DataXceiver$1.run(DataXceiver.java:98)
	at sun.reflect.GeneratedMethodAccessor12.invoke(Unknown Source)
	at com.sun.proxy.$Proxy15.addBlock(Unknown Source)
	at java.lang.Thread.run(Thread.java:745)
Caused by: java.lang.RuntimeException: disk /tmp/hadoop-root/dfs/data full
	at org.apache.hadoop.fs.DF.getAvailable(DF.java:77)
	... 5 more
It happens every time the volume fills up.`;

test("Java trace: extracted from prose, frames normalised, header kept with trace", () => {
  const r = buildReportText({ title: "DataNode write fails when disk full", description: JAVA, product: "Hadoop", component: "HDFS" });
  assert.deepEqual(r.frames, [
    "org.apache.hadoop.hdfs.server.datanode.BlockReceiver.receivePacket",
    "org.apache.hadoop.hdfs.server.datanode.BlockReceiver.receiveBlock",
    "org.apache.hadoop.hdfs.server.datanode.DataXceiver$N.run",
    "sun.reflect.GeneratedMethodAccessorN.invoke",
    "com.sun.proxy.$ProxyN.addBlock",
    "java.lang.Thread.run",
    "org.apache.hadoop.fs.DF.getAvailable",
  ]);
  assert.match(r.traceText, /^java\.io\.IOException: No space left on device for blk_<n>_1001$/m);
  assert.match(r.traceText, /^at org\.apache\.hadoop\.hdfs\.server\.datanode\.BlockReceiver\.receivePacket\(BlockReceiver\.java\)$/m);
  assert.match(r.traceText, /^Caused by: java\.lang\.RuntimeException: disk <tmp> full$/m);
  assert.doesNotMatch(r.traceText, /:\d+\)|1073741825|more/);
  // prose keeps the surrounding sentences but not the frames
  assert.match(r.text, /While writing a file the client fails/);
  assert.match(r.text, /It happens every time the volume fills up/);
  assert.doesNotMatch(r.text, /^\s*at /m);
  assert.doesNotMatch(r.text, /12:34:56/);
  // title first, then product/component, title repeated before the body, top frames appended
  const lines = r.text.split("\n");
  assert.equal(lines[0], "DataNode write fails when disk full");
  assert.equal(lines[1], "Hadoop / HDFS");
  assert.equal(lines[2], "DataNode write fails when disk full");
  assert.equal(lines.filter((l) => l === "java.lang.Thread.run").length, 0, "only top 5 frames in text");
  assert.ok(lines.includes("java.io.IOException: No space left on device for blk_<n>_1001"));
  assert.ok(lines.includes("com.sun.proxy.$ProxyN.addBlock"));
});

test("same crash with different line numbers, addresses and ids normalises to the same trace", () => {
  const other = JAVA.replace(/\.java:(\d+)/g, (_, n) => `.java:${Number(n) + 17}`)
    .replace("1073741825_1001", "1073799999_1001")
    .replace("12:34:56,789", "23:01:02,003")
    .replace("GeneratedMethodAccessor12", "GeneratedMethodAccessor7")
    .replace("$Proxy15", "$Proxy9");
  assert.notEqual(other, JAVA);
  const a = buildReportText({ title: "t", description: JAVA });
  const b = buildReportText({ title: "t", description: other });
  assert.equal(a.traceText, b.traceText);
  assert.deepEqual(a.frames, b.frames);
  assert.equal(a.text, b.text);
});

test("Python traceback", () => {
  const desc = `Running the uploader crashes:
Traceback (most recent call last):
  File "/tmp/tmpa1b2c3/run.py", line 3, in <module>
    main()
  File "/home/alice/venv/lib/python3.11/site-packages/hdfs/client.py", line 212, in write
    self._request(method="PUT", url=url)
ValueError: bad offset 0x7ffd1234abcd
Please fix.`;
  const r = buildReportText({ title: "uploader crash", description: desc });
  assert.deepEqual(r.frames, ["<tmp>/run.py:<module>", "hdfs/client.py:write"]);
  assert.match(r.traceText, /^File "hdfs\/client\.py", in write$/m);
  assert.match(r.traceText, /^ValueError: bad offset <addr>$/m);
  assert.doesNotMatch(r.traceText, /line \d+/);
  assert.match(r.text, /Running the uploader crashes/);
  assert.match(r.text, /Please fix\./);
  assert.doesNotMatch(r.text, /self\._request/);
});

test("JavaScript stack", () => {
  const desc = `The UI breaks on load.
TypeError: Cannot read properties of undefined (reading 'length')
    at Object.render (/home/u/app/node_modules/ui/dist/index.js:10:15)
    at new Widget (webpack:///./src/widget.ts:44:9)
    at async loadAll (file:///srv/app/server.mjs:3:7)
    at /srv/app/server.js:99:1`;
  const r = buildReportText({ title: "UI crash", description: desc });
  assert.deepEqual(r.frames, ["Object.render@index.js", "new Widget@widget.ts", "loadAll@server.mjs", "<anonymous>@server.js"]);
  assert.match(r.traceText, /^TypeError: Cannot read properties of undefined \(reading 'length'\)$/m);
  assert.equal(r.text.split("\n").at(-1), "<anonymous>@server.js");
});

test("native (gdb / ASan) frames", () => {
  const desc = `Segfault in libhdfs:
#0  0x00007f3a2b1c4e97 in raise () from /lib/x86_64-linux-gnu/libc.so.6
#1  0x00007f3a2b1c6801 in ?? () from /lib/x86_64-linux-gnu/libhdfs.so.0.0.0
#2 0x7f3a2b1c6801 in hdfsOpenFile (fs=0x1234, path=0x55) at /src/hdfs.c:120
    #3 0x4a5b3c in main /src/test.c:12:3`;
  const r = buildReportText({ title: "segfault", description: desc });
  assert.deepEqual(r.frames, ["raise", "??@libhdfs.so.0.0.0", "hdfsOpenFile", "main"]);
  assert.doesNotMatch(r.traceText, /0x/);
});

test("template boilerplate is stripped but its content kept", () => {
  const desc = `<!-- Thanks for filing! Please fill in all sections.
  Multi-line comment -->
### Describe the bug
The balancer never finishes.
- [x] I searched existing issues
- [ ] I can reproduce on trunk
**Steps to reproduce:**
1. run hdfs balancer
Expected results: it exits
Actual results:
it loops forever
Reproducible: Always
User Agent: Mozilla/5.0 (X11; Linux x86_64)
Description of the cluster: 3 nodes`;
  const body = stripBoilerplate(desc);
  assert.doesNotMatch(body, /Thanks for filing|Describe the bug|searched|reproduce on trunk|Steps to reproduce|Expected results|Actual results|Reproducible:/i);
  for (const kept of ["The balancer never finishes.", "1. run hdfs balancer", "it exits", "it loops forever", "Always", "Description of the cluster: 3 nodes"]) {
    assert.ok(body.includes(kept), `lost "${kept}"`);
  }
});

test("volatile tokens", () => {
  assert.equal(
    normalizeVolatile("id 123e4567-e89b-12d3-a456-426614174000 at 2024-01-02T03:04:05.678Z from 10.0.0.12:8020 sha 9fceb02d0ae598e95dc970b74767f19372d61af8 ptr 0xdeadbeef in /var/folders/xy/T/abc/file.txt job_1369837389015_0001"),
    "id <uuid> at <ts> from <ip> sha <hex> ptr <addr> in <tmp>/file.txt job_<n>_0001",
  );
  assert.equal(normalizeVolatile("see http://h/tmpfoo and /home/tmp/x"), "see http://h/tmpfoo and /home/tmp/x");
});

test("report without description or traces", () => {
  const r = buildReportText({ title: "  Typo   in docs ", description: null, product: null, component: "docs" });
  assert.equal(r.text, "Typo in docs\ndocs");
  assert.equal(r.traceText, "");
  assert.deepEqual(r.frames, []);
  assert.deepEqual(extractTraces("no trace here\nat all").frames, []);
});
