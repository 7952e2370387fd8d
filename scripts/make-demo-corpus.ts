// Writes the demo corpus: data/demo/reports.jsonl (generic JSONL, source "demo") and
// data/demo/planted.json (new-report drafts that duplicate a known report, for the browser test).
//
// Everything here is fictional and written for this project: the "Harbor" file-sync suite
// (Harbor Desktop client, Harbor Server, Harbor Mobile). The seed content is hand-written:
//   - GROUPS: one bug each, reported 2-4 times in different words (different reporter voice,
//     sometimes only the stack trace or only the symptoms in common). The earliest report is
//     the master; the others carry duplicate_of = [master id].
//   - SINGLES: one report each, many deliberately close in topic to a group (hard negatives).
// The script combines them with seeded choices (dates, versions, platforms, reporters, layout
// of the text), so the output is deterministic: re-running it rewrites identical files.
//
// Usage: tsx scripts/make-demo-corpus.ts [--out data/demo] [--seed 20220301]
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { mulberry32 as rng } from "@/lib/random"; // seeded, so the output is stable

const D = "Harbor Desktop";
const S = "Harbor Server";
const M = "Harbor Mobile";
type Product = typeof D | typeof S | typeof M;

interface Variant {
  title: string;
  /** May contain {{trace}}, {{version}}, {{platform}}. */
  body: string;
  platform?: string;
  /** Reports written by a developer or support engineer skip the environment footer. */
  noFooter?: boolean;
}

interface Group {
  key: string;
  product: Product;
  component: string;
  /** Release the text talks about ("3.6" or exact "3.6.1"): pins the version and the dates. */
  version?: string;
  platforms?: string[];
  trace?: string;
  variants: Variant[];
  /** A new draft for data/demo/planted.json, written unlike every variant. */
  planted?: { title: string; body: string };
}

interface Single {
  product: Product;
  component: string;
  version?: string;
  title: string;
  body: string;
  platforms?: string[];
}

const WIN = ["Windows 10 22H2", "Windows 11 23H2", "Windows 11 22H2"];
const MAC = ["macOS 13 Ventura", "macOS 14 Sonoma", "macOS 12 Monterey"];
const LINUX = ["Ubuntu 22.04", "Fedora 39", "Debian 12"];
const ANDROID = ["Android 13 (Pixel 7)", "Android 14 (Galaxy S23)", "Android 12 (Xiaomi Redmi Note 11)", "Android 14 (Pixel 8)"];
const IOS = ["iOS 17.2 (iPhone 14)", "iOS 16.6 (iPhone 12)", "iOS 17.4 (iPad Air)"];
const SERVER_OS = ["Ubuntu 22.04 (Docker)", "Debian 12", "RHEL 9", "Kubernetes (Helm chart)", "Docker Compose on Ubuntu 20.04"];

const PLATFORMS: Record<Product, string[]> = {
  [D]: [...WIN, ...MAC, ...LINUX],
  [S]: SERVER_OS,
  [M]: [...ANDROID, ...IOS],
};

// ---------------------------------------------------------------------------------------------
// Duplicate groups
// ---------------------------------------------------------------------------------------------

const GROUPS: Group[] = [
  {
    key: "nfd-names",
    product: D,
    component: "Sync",
    platforms: MAC,
    trace: `2023-06-14 09:12:44,118 INFO  harbord.sync.uploader: uploading 'Projects/Cafe\u0301 menu.pdf' (reason: remote name differs)
2023-06-14 09:12:45,902 INFO  harbord.sync.uploader: upload complete 'Projects/Café menu.pdf' rev=8821
2023-06-14 09:13:15,207 INFO  harbord.sync.scanner: local change detected 'Projects/Cafe\u0301 menu.pdf'
2023-06-14 09:13:15,311 INFO  harbord.sync.uploader: uploading 'Projects/Cafe\u0301 menu.pdf' (reason: remote name differs)`,
    variants: [
      {
        title: "Files with accented characters in the name are re-uploaded on every sync cycle",
        body: `On macOS the file system hands us decomposed (NFD) names, while the server stores the composed (NFC) form. The scanner compares the two byte-for-byte, decides the remote name differs and uploads the file again, every 30 seconds, forever.

Steps to reproduce:
1. Create a file called "Café menu.pdf" in the Harbor folder on a Mac.
2. Wait for the first upload to finish.
3. Watch harbord.log.

Expected: one upload, then the file is up to date.
Actual: the same file is uploaded again on every scan and a new server revision is created each time.

{{trace}}`,
        noFooter: true,
      },
      {
        title: "Sync icon never stops spinning, folder 'Résumés' keeps syncing",
        body: `Since I moved my job application folder into Harbor the little icon in the menu bar spins all day. The activity list says "Résumés/Lettre de motivation.docx uploaded" again and again, dozens of times per hour. Nothing in the file changes, I haven't even opened it.

It also eats my mobile hotspot data when I'm travelling. Other folders seem fine.`,
      },
      {
        title: "Version history of some files has hundreds of identical revisions",
        body: `A customer noticed that "Überweisung_März.xlsx" has 412 versions in the web UI, all with the same size and checksum, created roughly every half minute from the same Mac. Files without umlauts in that folder have normal history.

Relevant part of the client log they sent:

{{trace}}

Looks like the client thinks the name changed when it did not.`,
        noFooter: true,
      },
    ],
    planted: {
      title: "Mac client uploads the same file over and over when the filename has an é or ü",
      body: `Any file whose name has a letter with an accent (é, ü, ñ) gets pushed to the server again every half minute from my MacBook. The content never changes but the server keeps adding new versions and the status never says "up to date". Files with plain ASCII names sync once and stop.`,
    },
  },
  {
    key: "sleep-resume",
    product: D,
    component: "Networking",
    trace: `[2024-01-09 08:02:11.554] WARN  harbord.net.channel: notification socket closed (ECONNRESET)
[2024-01-09 08:02:11.555] INFO  harbord.net.channel: reconnecting in 2s
[2024-01-09 08:02:13.561] INFO  harbord.net.channel: reconnecting in 4s
[2024-01-09 08:02:17.570] INFO  harbord.net.channel: reconnecting in 8s
...
[2024-01-09 09:14:40.012] INFO  harbord.net.channel: reconnecting in 3600s`,
    variants: [
      {
        title: "Sync does not resume after the computer wakes from sleep",
        body: `After the laptop has been asleep for a while (overnight), Harbor never picks up changes again until I quit and restart it.

Steps:
1. Start Harbor, let it sync.
2. Put the machine to sleep for at least an hour.
3. Wake it up, change a file in the Harbor folder.

Expected: the change is uploaded within a few seconds.
Actual: nothing happens. The tray still says "Up to date".`,
      },
      {
        title: "Client claims 'Up to date' but nothing syncs after closing the lid overnight",
        body: `Every morning I open my laptop and Harbor happily reports everything is up to date, but files my colleagues added during the night are missing and my own edits from the morning don't reach the server. Restarting the app fixes it immediately. This has cost me a couple of embarrassing meetings with old slides.`,
      },
      {
        title: "Reconnect backoff grows to one hour after network loss",
        body: `The notification channel backoff doubles on every failed reconnect and is capped at 3600 s. When the network is gone for a while (sleep, VPN drop) the client ends up waiting an hour before the next attempt, even though the network came back long ago. We should reset the backoff on a network-change event and cap it at a few minutes.

{{trace}}`,
        noFooter: true,
      },
      {
        title: "Harbor stops working after hibernate on Windows",
        body: `If I hibernate my PC and turn it on the next day, Harbor seems alive but doesn't sync anything. The log is full of "reconnecting in ..." lines with huge numbers. I have to exit from the tray and start it again.`,
        platform: "Windows 10 22H2",
      },
    ],
    planted: {
      title: "Nothing uploads after my laptop was suspended, until I relaunch the app",
      body: `When I come back to my notebook after it has been suspended for a few hours, my edits just sit there locally. The status text pretends all is fine. Quitting and relaunching Harbor makes everything upload at once.`,
    },
  },
  {
    key: "exfat-conflicts",
    version: "3.4",
    product: D,
    component: "Sync",
    variants: [
      {
        title: "Spurious 'conflicted copy' files on an exFAT USB drive",
        body: `My Harbor folder lives on an external SSD formatted as exFAT so I can use it on both my Mac and my Windows PC. Since 3.4 I get files like "Budget (conflicted copy 2023-03-02).xlsx" for documents nobody edited.

Expected: no conflict copies when there was no concurrent edit.
Actual: several conflict copies per day.`,
      },
      {
        title: "Dozens of (conflicted copy) files appeared although nobody touched them",
        body: `Came back from holiday and my team folder is full of "(conflicted copy)" files. I was the only one with access and I didn't work during the holiday. The originals and the copies are byte-identical. Please tell me which ones I can delete safely.`,
      },
      {
        title: "Conflict detection should tolerate 2-second mtime granularity",
        body: `exFAT and FAT32 store modification times with 2 s resolution. When we compare the local mtime with the server's millisecond value they almost never match exactly, so the conflict check fires even though the content hash is unchanged. We should compare hashes before declaring a conflict, or round mtimes on filesystems that report coarse timestamps.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "enospc-crash",
    product: D,
    component: "Storage",
    trace: `Traceback (most recent call last):
  File "harbord/sync/downloader.py", line 212, in _write_block
    fh.write(block)
OSError: [Errno 28] No space left on device

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "harbord/main.py", line 88, in run
    self.engine.run_forever()
  File "harbord/sync/engine.py", line 341, in run_forever
    self._apply(batch)
  File "harbord/sync/engine.py", line 402, in _apply
    self.journal.commit()
  File "harbord/storage/journal.py", line 77, in commit
    self._db.execute("COMMIT")
sqlite3.OperationalError: database or disk is full`,
    variants: [
      {
        title: "harbord crashes with ENOSPC while downloading",
        body: `The daemon dies when the disk fills up during a large download instead of pausing.

{{trace}}

After this the client restarts, downloads again, fills the disk again, and crashes again.`,
        noFooter: true,
      },
      {
        title: "App silently quits when my drive is almost full",
        body: `My laptop only has a 128 GB disk. When it gets close to full Harbor just disappears from the tray, no message at all. When I start it again it works for a minute and then disappears again. I would expect it to tell me the disk is full and stop downloading.`,
      },
      {
        title: "Crash loop: 'database or disk is full' in journal.commit",
        body: `Support ticket #88412 forwarded. Customer's client restarts every couple of minutes. Last lines of the crash report:

  File "harbord/storage/journal.py", line 77, in commit
    self._db.execute("COMMIT")
sqlite3.OperationalError: database or disk is full

Their C: drive had 200 MB free. Client should check free space before starting a download and surface a warning.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "saml-loop",
    product: D,
    component: "Auth",
    variants: [
      {
        title: "SSO login loops back to the sign-in page",
        body: `With SAML single sign-on enabled, the desktop client opens the browser, I authenticate with the identity provider, the browser says "You can close this window", and the client shows the sign-in screen again. Repeats forever.

Steps to reproduce:
1. Configure SAML SSO on the server (Okta in our case).
2. Add an account in the desktop client and choose "Sign in with SSO".

Expected: signed in.
Actual: back at the sign-in page, no error shown.`,
      },
      {
        title: "Can't sign in: after entering Okta credentials I'm back at the Harbor login",
        body: `Our whole finance department can't log into the desktop app since Monday. Web login works fine. The app sends them to Okta, they log in, and then the app asks them to log in again. Two of them have laptops whose clock is a few minutes off because they're not domain joined, the others are fine, not sure if related.`,
      },
      {
        title: "SAML assertion rejected when client clock is ahead of the IdP",
        body: `The client validates NotBefore/NotOnOrAfter of the assertion against the local clock with zero tolerance. With the laptop clock 3 minutes ahead the assertion is "not yet valid", the login is discarded and the UI goes back to the start page without an error message. Needs a clock skew allowance (the server uses 120 s) and an error message.

harbord.auth.saml: assertion not valid before 2023-11-06T07:58:02Z (now 2023-11-06T08:01:10Z)`,
        noFooter: true,
      },
    ],
    planted: {
      title: "Single sign-on keeps returning me to the login screen in the desktop app",
      body: `I click "Sign in with SSO", finish the company login in my browser, and the Harbor window just asks me to sign in again. There is no error. Logging in on the website works. My computer's time might be slightly wrong.`,
    },
  },
  {
    key: "password-lockout",
    product: D,
    component: "Auth",
    variants: [
      {
        title: "Changing my password locks my account because the desktop client retries the old one",
        body: `After the mandatory 90-day password change my AD account gets locked within minutes. IT found hundreds of failed logins coming from my laptop. The culprit seems to be Harbor, which keeps trying to refresh its session with the old credentials.

Expected: the client notices the credentials are invalid, stops and asks me to sign in again.
Actual: it retries in a tight loop and locks the account.`,
      },
      {
        title: "Account locked out every morning",
        body: `For two weeks my account is locked every morning around 8:30. The helpdesk unlocks it and by the next day it's locked again. Happens right when I start my laptop. I did change my password recently but I updated it everywhere I know of.`,
      },
      {
        title: "Refresh loop on invalid_grant",
        body: `Server log shows a single client hammering the token endpoint:

  POST /oauth/token 400 {"error":"invalid_grant","error_description":"refresh token revoked"} x 57 within 60s

The desktop client treats invalid_grant as a transient error and retries with backoff 1 s. It should be terminal: drop the stored token and show the sign-in prompt. With LDAP passthrough each attempt also counts as a failed bind and locks the directory account.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "gnome-tray",
    product: D,
    component: "UI",
    platforms: ["Ubuntu 22.04", "Fedora 39", "Debian 12"],
    variants: [
      {
        title: "No tray icon on Ubuntu 22.04",
        body: `The Harbor icon does not show up in the top bar on Ubuntu 22.04 with the default GNOME desktop, so there is no way to reach settings or pause syncing. The daemon is running (files sync).`,
        platform: "Ubuntu 22.04",
      },
      {
        title: "Where did the Harbor icon go? Can't open preferences on GNOME",
        body: `Fresh Fedora install, installed the Harbor RPM, logged in once via the first-run window. After closing that window I can't find the app anywhere. No icon next to the clock. The only way I found to change a setting is editing the config file.`,
        platform: "Fedora 39",
      },
      {
        title: "StatusNotifierItem registration fails without an SNI watcher",
        body: `On stock GNOME there is no org.kde.StatusNotifierWatcher on the session bus unless the AppIndicator extension is installed, and we don't fall back to anything:

(harbor:4821): harbor-ui-WARNING **: 10:04:17.312: StatusNotifierItem: failed to register: org.freedesktop.DBus.Error.ServiceUnknown: The name org.kde.StatusNotifierWatcher was not provided by any .service files

Options: detect this and open the main window on launch, or show a notification explaining how to enable the extension.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "white-settings",
    version: "3.5",
    product: D,
    component: "UI",
    platforms: WIN,
    trace: `[4120:1107/101512.044:ERROR:gpu_process_host.cc(991)] GPU process exited unexpectedly: exit_code=-1073740791
[4120:1107/101512.047:ERROR:gpu_process_host.cc(991)] GPU process exited unexpectedly: exit_code=-1073740791
[4120:1107/101512.049:FATAL:gpu_data_manager_impl_private.cc(448)] GPU process isn't usable. Goodbye.`,
    variants: [
      {
        title: "Settings window opens completely white",
        body: `Clicking "Settings" in the tray menu opens a window with the right size and title but the contents are pure white. Resizing does nothing. The main window was fine until 3.5.0.`,
      },
      {
        title: "Preferences dialog is empty",
        body: `Preferences shows only a blank rectangle. I have an older laptop with Intel HD 4000 graphics, drivers from Windows Update. I can't change my sync folders at all.`,
      },
      {
        title: "Renderer GPU process crash on startup on Intel HD 4000",
        body: `Collected from an affected machine, UI log:

{{trace}}

Electron 27 blocklisted this driver but our launch flags force GPU rasterization. Launching with --disable-gpu makes the settings window render correctly.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "msi-1603",
    version: "3.3.0",
    product: D,
    component: "Installer",
    platforms: WIN,
    variants: [
      {
        title: "Upgrade from 3.2 to 3.3 fails with error 1603",
        body: `Running the 3.3.0 MSI over an existing 3.2.4 install ends with "The installer has encountered an unexpected error installing this package. Error code 1603." Installed per-user (not for all users).`,
      },
      {
        title: "Installer rolls back at the very end and the old version is gone too",
        body: `The update progress bar gets to almost 100 %, then goes backwards and the installer closes. Afterwards Harbor isn't installed at all anymore, the old version was removed. Reinstalling 3.3 from scratch works, but I lost my settings.`,
      },
      {
        title: "RemoveLegacyService custom action fails for per-user installs",
        body: `From msiexec /l*v:

MSI (s) (3C:58) [14:02:19:633]: Executing op: CustomActionSchedule(Action=RemoveLegacyService,ActionType=3073,Source=BinaryData,Target=RemoveLegacyService,)
CustomAction RemoveLegacyService returned actual error code 1603 (note this may not be 100% accurate if translation happened inside sandbox)
Action ended 14:02:20: InstallFinalize. Return value 3.

The action tries to stop the machine-wide service that per-user installs never had and needs elevation to even query it.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "self-notifications",
    product: D,
    component: "Notifications",
    variants: [
      {
        title: "I get 'file updated' notifications for files I edited myself",
        body: `Every time I save a document in a shared folder I get a desktop notification "Anna updated Quarterly plan.docx" - but I am Anna. Notifications should be about other people's changes.`,
      },
      {
        title: "Notification spam when saving a document",
        body: `Word autosaves every few minutes and each autosave pops a toast in the corner telling me that the file was changed. It's my own change. I turned notifications off completely which is a shame because I do want to know when my co-workers change things.`,
      },
    ],
  },
  {
    key: "ntlm-proxy",
    product: D,
    component: "Networking",
    platforms: WIN,
    variants: [
      {
        title: "Client can't connect behind a corporate proxy that requires NTLM (407)",
        body: `Our proxy only offers NTLM/Negotiate authentication. The client never gets past the proxy:

harbord.net.http: CONNECT files.example-corp.test:443 -> 407 Proxy Authentication Required
harbord.net.http: Proxy-Authenticate: Negotiate, NTLM
harbord.net.http: no supported proxy auth scheme, giving up

Basic auth is not allowed in our network. Browsers use the logged-in Windows credentials.`,
        noFooter: true,
      },
      {
        title: "Stuck on 'Connecting…' at the office, works at home",
        body: `At home the app works perfectly. As soon as I'm in the office (cable or Wi-Fi) it says "Connecting…" forever. Colleagues have the same. Our IT says all traffic goes through the company proxy.`,
      },
    ],
  },
  {
    key: "selective-delete",
    product: D,
    component: "Selective Sync",
    variants: [
      {
        title: "Deselecting a folder in selective sync deletes it on the server",
        body: `Unticking a folder in "Choose folders to sync" is supposed to remove it only from this computer. Instead the folder was moved to the trash on the server and disappeared for the whole team.

Steps:
1. Share folder "Clients" with two other users.
2. On one machine, open Settings > Folders and untick "Clients".
3. Check the web UI.

Expected: Clients still exists on the server.
Actual: Clients is in the trash.`,
      },
      {
        title: "Team folder vanished after a colleague changed his sync settings",
        body: `Yesterday at 16:40 our "Design assets" folder disappeared for everybody. The activity log shows it was deleted by Tom's laptop. Tom swears he only told Harbor to stop syncing that folder to his machine because his disk was full. We restored it from the trash, but this is scary.`,
      },
      {
        title: "Local removal from selective sync is propagated as a remote delete",
        body: `When a folder is excluded the local copy is removed before the exclusion is written to the journal. If the scanner runs in between (it does, it's triggered by the removal itself) it sees a locally deleted folder that is still "synced" and uploads the delete. Race window is a few hundred ms, easy to hit on large folders.`,
        noFooter: true,
      },
    ],
    planted: {
      title: "Unchecking a folder under 'Choose folders' removed it for everyone",
      body: `I only wanted to stop a big shared folder from downloading to my laptop, so I removed the tick next to it in the folder chooser. A few minutes later my colleagues asked why the folder was gone. It had been put in the server trash by my device.`,
    },
  },
  {
    key: "symlink-loop",
    product: D,
    component: "Sync",
    platforms: [...LINUX, ...MAC],
    trace: `Traceback (most recent call last):
  File "harbord/sync/scanner.py", line 156, in _walk
    yield from self._walk(child, depth + 1)
  File "harbord/sync/scanner.py", line 156, in _walk
    yield from self._walk(child, depth + 1)
  [Previous line repeated 985 more times]
  File "harbord/sync/scanner.py", line 141, in _walk
    st = os.stat(path)
RecursionError: maximum recursion depth exceeded while calling a Python object`,
    variants: [
      {
        title: "Symlink loop makes the client upload the same folder recursively",
        body: `A symlink inside the sync folder that points to its parent ("current -> ..") is followed by the scanner, so the client uploads a/current/current/current/... until the path is too long or Python gives up:

{{trace}}

Symlinks should be skipped (or at least loops detected via inode).`,
        noFooter: true,
      },
      {
        title: "Harbor uses 100% CPU and my quota filled up with nested copies of node_modules",
        body: `I keep some JavaScript projects in my Harbor folder. Today I got an email that I'm at 100 % of my storage quota. On the web there's a folder node_modules/.bin/../node_modules/.bin/... going incredibly deep. The fan on my laptop has been at full speed all day.`,
      },
    ],
  },
  {
    key: "db-locked",
    product: D,
    component: "Storage",
    trace: `Traceback (most recent call last):
  File "harbord/main.py", line 61, in main
    journal = Journal.open(cfg.journal_path)
  File "harbord/storage/journal.py", line 40, in open
    db.execute("PRAGMA journal_mode=WAL")
sqlite3.OperationalError: database is locked`,
    variants: [
      {
        title: "Client fails to start with 'database is locked' after a crash",
        body: `If harbord is killed (power loss, forced update restart), the next start fails:

{{trace}}

A stale lock from the previous process seems to survive. Deleting sync-journal.db-shm fixes it.`,
        noFooter: true,
      },
      {
        title: "Harbor won't open after Windows update restarted my PC",
        body: `Windows installed updates overnight and restarted. Since then Harbor shows "Sync engine failed to start" for a second and closes. Uninstall/reinstall didn't help because the settings folder stays. I'm attaching the log, the last line says something about the database being locked.`,
        platform: "Windows 11 23H2",
      },
    ],
  },
  {
    key: "update-repeat",
    version: "3.6.1",
    product: D,
    component: "Updater",
    platforms: MAC,
    variants: [
      {
        title: "Update prompt reappears after installing the update",
        body: `"A new version of Harbor is available" - I click Install, the app restarts, and 10 minutes later the same prompt shows up again for the same version.`,
      },
      {
        title: "Says 3.6.1 is available even though I'm already on 3.6.1",
        body: `About dialog shows 3.6.1. The updater still offers 3.6.1. If I accept it downloads 180 MB and restarts, then offers it again. This happened five times today, please make it stop.`,
      },
      {
        title: "Updater compares build number against the wrong Info.plist key",
        body: `The feed advertises CFBundleVersion (build 3610) but the updater reads CFBundleShortVersionString ("3.6.1") from the running bundle and compares them as strings. "3.6.1" < "3610", so every version looks outdated. Only affects the macOS updater; Windows uses the file version.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "hidpi-blur",
    product: D,
    component: "UI",
    platforms: WIN,
    variants: [
      {
        title: "Blurry text in the main window at 150% display scaling",
        body: `With Windows display scaling set to 150 % the Harbor window text looks blurry, as if it were a scaled bitmap. Other apps are sharp.`,
      },
      {
        title: "Fonts look fuzzy on my 4K monitor",
        body: `Since I connected a 4K screen to my laptop the Harbor app looks out of focus. When I move the window back to the laptop screen it is sharp again. It's hard to read the file names.`,
      },
    ],
  },
  {
    key: "4gb-upload",
    product: D,
    component: "Sync",
    trace: `Traceback (most recent call last):
  File "harbord/sync/uploader.py", line 288, in _send_chunk
    header = CHUNK_HEADER.pack(self.upload_id, offset, len(data))
struct.error: 'I' format requires 0 <= number <= 4294967295`,
    variants: [
      {
        title: "Uploading files larger than 4 GB fails at the end",
        body: `Files above 4 GiB upload until roughly 4 GiB and then fail; the client retries from the start.

{{trace}}

The chunk header packs the offset as an unsigned 32-bit int.`,
        noFooter: true,
      },
      {
        title: "6 GB video export never finishes syncing",
        body: `I edit videos and export them into my Harbor folder. Anything small is fine, but my 6.2 GB final render has been "uploading" for three days. It gets to about 65 %, then the progress jumps back to 0 % and starts over.

Expected: the file uploads like the others.`,
      },
      {
        title: "struct.error in _send_chunk for big disk images",
        body: `Trying to back up a VM disk image (12 GB) through the Harbor folder.

  File "harbord/sync/uploader.py", line 288, in _send_chunk
struct.error: 'I' format requires 0 <= number <= 4294967295

Smaller images are fine.`,
      },
    ],
    planted: {
      title: "Really big files restart uploading from zero and never complete",
      body: `A 5 GB zip archive in my sync folder keeps uploading. The progress bar climbs to about 80 % and then starts again from nothing. Files of a few hundred megabytes work fine.`,
    },
  },
  {
    key: "case-rename",
    product: D,
    component: "Sync",
    variants: [
      {
        title: "Renaming a file by only changing letter case doesn't sync",
        body: `On Windows, renaming "report.docx" to "Report.docx" is not uploaded. The web UI keeps the lowercase name. Any other rename works.`,
        platform: "Windows 11 23H2",
      },
      {
        title: "Linux client now has both Report.docx and report.docx",
        body: `My colleague on Windows capitalised a file name. On my Linux machine I now have two files, "Invoice-2023.pdf" and "invoice-2023.pdf", with the same content. If I delete one, it comes back. The Mac in our office shows only one file.`,
        platform: "Ubuntu 22.04",
      },
    ],
  },
  {
    key: "keychain-prompt",
    product: D,
    component: "Auth",
    platforms: MAC,
    variants: [
      {
        title: "macOS asks for the keychain password every time Harbor starts",
        body: `Each time I log in to my Mac I get "harbord wants to use your confidential information stored in 'Harbor Credentials' in your keychain." I click "Always Allow" and enter my password, but the next day it asks again.`,
      },
      {
        title: "Keychain access prompt on every login since the last update",
        body: `Started after updating to the latest version. A system dialog asks for my login password so Harbor can read its saved credentials. "Always allow" doesn't stick. I suspect the app's code signature changed between versions so the keychain ACL no longer matches.`,
      },
    ],
  },
  {
    key: "bw-limit",
    product: D,
    component: "Networking",
    variants: [
      {
        title: "Upload rate limit not respected",
        body: `Settings > Network > Limit upload rate: 500 KB/s. Actual upload rate measured with the OS network monitor: 4-5 MB/s (our full uplink). Download limit seems to work.`,
      },
      {
        title: "Harbor saturates my uplink even with a limit set, video calls break",
        body: `I work from home on a slow DSL line. I set Harbor to limit uploads so my Teams calls don't suffer, but whenever Harbor uploads something my calls freeze and people tell me I'm robotic. Pausing Harbor fixes the calls immediately.`,
      },
      {
        title: "Throttle is applied per connection, not globally",
        body: `The token bucket for the upload limit is created per HTTP connection. With parallel_uploads=6 the effective limit is six times what the user configured. Needs one shared bucket across the uploader pool.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "office-lockfiles",
    product: D,
    component: "Sync",
    variants: [
      {
        title: "Office lock files (~$*.docx) are uploaded",
        body: `While a document is open in Word, the hidden owner file "~$port.docx" gets synced to the server and to everyone else. These should be ignored by default like .DS_Store and Thumbs.db.`,
      },
      {
        title: "Colleagues see weird ~$Budget.xlsx files in our shared folder",
        body: `Whenever I have our budget spreadsheet open, my co-workers see a tiny file called ~$Budget.xlsx next to it. When they try to open it Excel says it's corrupted. Sometimes these files stay there after I close Excel.`,
      },
    ],
  },
  {
    key: "quarantine-damaged",
    version: "3.7.0",
    product: D,
    component: "Installer",
    platforms: MAC,
    variants: [
      {
        title: "'Harbor is damaged and can't be opened' after downloading 3.7.0",
        body: `Downloaded Harbor-3.7.0.dmg from the website, dragged the app to Applications, and macOS says "Harbor is damaged and can't be opened. You should move it to the Trash." 3.6.2 opened fine.`,
      },
      {
        title: "macOS Gatekeeper refuses to launch the new version",
        body: `Our MDM pushed the new Harbor package and now none of the Macs can start it. Gatekeeper error. spctl says:

$ spctl -a -vv /Applications/Harbor.app
/Applications/Harbor.app: rejected
source=Unnotarized Developer ID

Looks like the build was not notarized.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "pause-persist",
    product: D,
    component: "Sync",
    variants: [
      {
        title: "Paused state is not kept across restarts",
        body: `If sync is paused and the app restarts (reboot or update), syncing resumes on its own. A pause should stay paused until I resume it.`,
      },
      {
        title: "I paused syncing on hotel Wi-Fi but it started again after a reboot",
        body: `I was on a metered hotel connection, so I paused Harbor. My laptop rebooted for an update overnight and Harbor went ahead and downloaded 9 GB of photos. The hotel charged me for the extra data.`,
      },
    ],
  },
  {
    key: "placeholder-empty",
    product: D,
    component: "Storage",
    platforms: ["Windows 10 22H2", "Windows 11 23H2"],
    variants: [
      {
        title: "Online-only placeholder files open as empty documents in some apps",
        body: `With "Files on demand" enabled, opening an online-only file from Photoshop or from an old version of AutoCAD opens an empty document instead of downloading it first. Explorer and Office hydrate the file correctly.`,
      },
      {
        title: "'The cloud file provider is not running' (0x8007016A)",
        body: `Trying to open any file that is not downloaded yet gives:

Error 0x8007016A: The cloud file provider is not running.

Harbor is running and shows "Up to date". Files that are already on the disk open fine. Restarting Harbor helps for a while.`,
      },
      {
        title: "cfapi sync root connection dropped after the engine restarts",
        body: `When the sync engine restarts internally (e.g. after a network error) we re-create the CfConnectSyncRoot connection but never re-register the FETCH_DATA callback, so hydration requests from apps that don't retry are answered with 0x8007016A or a zero-length read. Reproducible by killing harbord-engine.exe while the UI keeps running.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "activity-utc",
    product: D,
    component: "UI",
    variants: [
      {
        title: "Activity list shows times in UTC instead of local time",
        body: `The "Recent activity" panel shows "uploaded 07:14" for a file I saved at 09:14. I'm in Berlin (UTC+2 in summer). Looks like UTC.`,
      },
      {
        title: "Timestamps in recent changes are two hours off",
        body: `The times shown next to the files in the Harbor window are wrong, exactly two hours earlier than when things happened. My Windows clock and time zone are correct.`,
      },
    ],
  },

  // ---- Harbor Server -------------------------------------------------------------------------
  {
    key: "cursor-dupes",
    product: S,
    component: "API",
    variants: [
      {
        title: "/api/v2/files listing returns the same entry on two pages",
        body: `When files in a folder are modified while a client pages through GET /api/v2/files?folder=..., some entries appear on two consecutive pages and others are skipped. The cursor encodes (mtime, id) but the sort is on mtime alone in the SQL.

Expected: stable pagination.
Actual: duplicated/missing entries in large, busy folders.`,
        noFooter: true,
      },
      {
        title: "Some files are missing from the web UI in a folder with 20k files",
        body: `In our scanner inbox folder (about 20,000 PDFs, new ones arrive every minute), scrolling through the list in the web interface shows some files twice, and some files I know exist never show up. Searching for them by name finds them.`,
      },
    ],
  },
  {
    key: "s3-multipart",
    product: S,
    component: "Storage",
    variants: [
      {
        title: "Incomplete S3 multipart uploads are never aborted",
        body: `When a client upload is interrupted, the S3 storage backend leaves the multipart upload open. There is no cleanup job and we don't set an AbortIncompleteMultipartUpload lifecycle rule, so parts accumulate forever.

aws s3api list-multipart-uploads --bucket harbor-prod | jq '.Uploads | length'
48213`,
        noFooter: true,
      },
      {
        title: "Our S3 bill doubled but used storage in Harbor didn't change",
        body: `Harbor admin console says we use 3.1 TB. The AWS bill says 6.4 TB for the bucket. AWS support told us most of it is "incomplete multipart upload parts". We didn't configure anything special, just the standard S3 backend.`,
      },
    ],
  },
  {
    key: "hikari-pool",
    product: S,
    component: "Database",
    trace: `java.sql.SQLTransientConnectionException: HarborPool - Connection is not available, request timed out after 30000ms.
	at com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)
	at com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)
	at com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:146)
	at com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:100)
	at io.harbor.server.db.Tx.begin(Tx.java:58)
	at io.harbor.server.sharing.ShareService.createShare(ShareService.java:211)
	at io.harbor.server.api.ShareResource.post(ShareResource.java:94)`,
    variants: [
      {
        title: "Connection pool exhausted: 'Connection is not available, request timed out after 30000ms'",
        body: `Under load the server starts failing every request that needs the database:

{{trace}}

Pool size is the default 10. Thread dump shows 10 threads in ShareService.notifyMembers holding a connection while waiting on the mail server.`,
        noFooter: true,
      },
      {
        title: "Server becomes unresponsive every Monday morning",
        body: `Every Monday between 9 and 10 our Harbor server stops answering. The web UI spins, clients say "server error". By 10:30 it recovers on its own. Mondays are when most people share the weekly reports with their teams. CPU and memory look fine.`,
      },
      {
        title: "500 errors when creating many shares at once",
        body: `Sharing a folder with a group of 300 users through the API returns HTTP 500 after about 30 seconds. During that time other users' requests hang as well. Log contains HikariPool timeouts.`,
      },
    ],
    planted: {
      title: "All requests hang for 30 seconds and then fail when lots of users share files",
      body: `At peak times the Harbor server stops serving anything; requests wait half a minute and then return 500. The logs say no database connection could be obtained from the pool. It goes away by itself after the rush.`,
    },
  },
  {
    key: "expiry-early",
    product: S,
    component: "Sharing",
    variants: [
      {
        title: "Share links expire one day before the chosen date",
        body: `I created a public link with expiry date 31 March. On 30 March at 09:00 the recipients already got "This link has expired".`,
      },
      {
        title: "Link expiration off by one for users east of UTC",
        body: `The share dialog sends the expiry as a date, the API parses it as midnight UTC of that date and stores it as the end of validity. For anyone east of UTC the link dies in the early hours of the day before the date they picked (and at the start of, instead of the end of, the chosen day for UTC users). Expiry should be end of day in the creator's time zone.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "ldap-umlaut",
    product: S,
    component: "Auth",
    trace: `javax.naming.InvalidNameException: Invalid name: CN=J\\C3\\BCrgen M\\C3\\BCller,OU=Staff,DC=corp,DC=example
	at java.naming/javax.naming.ldap.Rfc2253Parser.doParse(Rfc2253Parser.java:111)
	at java.naming/javax.naming.ldap.LdapName.parse(LdapName.java:785)
	at io.harbor.server.auth.ldap.LdapUserMapper.dnOf(LdapUserMapper.java:77)
	at io.harbor.server.auth.ldap.LdapAuthenticator.authenticate(LdapAuthenticator.java:132)`,
    variants: [
      {
        title: "LDAP login fails for users with umlauts in their CN",
        body: `Users whose common name contains non-ASCII characters (ü, ö, é) cannot log in with LDAP. Everyone else can.

{{trace}}

The DN comes back hex-escaped from AD and we re-parse the escaped string.`,
        noFooter: true,
      },
      {
        title: "My colleague Jürgen can't log in, everyone else can",
        body: `We switched Harbor to our company directory last week. 140 people log in fine. Jürgen and Zoë get "invalid username or password" even though the same password works on their Windows login. We checked caps lock etc.`,
      },
      {
        title: "InvalidNameException in LdapUserMapper.dnOf",
        body: `Seen in server.log for some logins:

javax.naming.InvalidNameException: Invalid name: CN=Fran\\C3\\A7ois Lef\\C3\\A8vre,OU=Sales,DC=corp,DC=example
	at io.harbor.server.auth.ldap.LdapUserMapper.dnOf(LdapUserMapper.java:77)`,
      },
    ],
  },
  {
    key: "negative-quota",
    product: S,
    component: "Admin Console",
    variants: [
      {
        title: "Quota usage becomes negative after emptying the trash",
        body: `Users page in the admin console shows "Used: -1.2 GB" for some users after they emptied their trash. Deleted files seem to be subtracted twice: once when moved to trash and once when purged.`,
      },
      {
        title: "User storage shows a minus sign",
        body: `One of our users asked why her storage says "-840 MB of 50 GB used". She had deleted an old project folder and cleaned the recycle bin. Is our data OK?`,
      },
    ],
  },
  {
    key: "webdav-search",
    product: S,
    component: "Search",
    variants: [
      {
        title: "Search returns the old file name after a rename over WebDAV",
        body: `Files renamed through the WebDAV endpoint (MOVE) keep their old name in search results, and searching for the new name finds nothing. Renames through the web UI or the desktop client are indexed correctly.`,
      },
      {
        title: "Can't find a file by its new name",
        body: `I renamed "draft_v3.pptx" to "Board presentation.pptx" from my Mac's Finder (we mount Harbor as a network drive). Searching for "Board" in the web app returns nothing; searching for "draft_v3" returns the file, but clicking it shows the new name.`,
      },
    ],
  },
  {
    key: "propfind-oom",
    product: S,
    component: "API",
    trace: `java.lang.OutOfMemoryError: Java heap space
	at java.base/java.util.Arrays.copyOf(Arrays.java:3537)
	at java.base/java.lang.AbstractStringBuilder.ensureCapacityInternal(AbstractStringBuilder.java:228)
	at java.base/java.lang.StringBuilder.append(StringBuilder.java:179)
	at io.harbor.server.webdav.MultiStatusWriter.writeResponse(MultiStatusWriter.java:64)
	at io.harbor.server.webdav.PropfindHandler.collect(PropfindHandler.java:119)
	at io.harbor.server.webdav.PropfindHandler.collect(PropfindHandler.java:127)
	at io.harbor.server.webdav.PropfindHandler.handle(PropfindHandler.java:58)`,
    variants: [
      {
        title: "PROPFIND with Depth: infinity runs the server out of memory",
        body: `A single PROPFIND / with "Depth: infinity" on an account with a few hundred thousand files builds the whole multistatus response in a StringBuilder.

{{trace}}

We should reject Depth: infinity (RFC 4918 allows 403 with propfind-finite-depth) or stream the response.`,
        noFooter: true,
      },
      {
        title: "Server crashes when someone maps Harbor as a network drive in Windows Explorer",
        body: `Twice this week the whole server went down. Both times it happened a few minutes after a user mapped the WebDAV URL as a drive letter in Windows Explorer and opened it. Restarting the container brings it back.`,
      },
      {
        title: "Memory spikes to the heap limit when a certain WebDAV client connects",
        body: `Heap graph goes from 1.5 GB to the 8 GB limit in about a minute whenever the backup tool of one department connects over WebDAV, then the JVM dies with OutOfMemoryError in MultiStatusWriter.`,
      },
    ],
  },
  {
    key: "ha-double-mail",
    product: S,
    component: "Notifications",
    platforms: ["Kubernetes (Helm chart)", "Docker Compose on Ubuntu 20.04"],
    variants: [
      {
        title: "Daily digest emails sent twice in an HA deployment",
        body: `With two server replicas behind a load balancer, both replicas run the notification scheduler, so every user gets the daily activity digest twice. The scheduler needs a cluster-wide lock (we already have the DB advisory lock helper).`,
        noFooter: true,
      },
      {
        title: "Everyone gets two copies of the daily summary",
        body: `Since we scaled Harbor to two instances for the holiday season, all 600 users receive the "Your daily Harbor summary" email twice, at exactly the same time. Some complained to IT that it looks like phishing.`,
      },
    ],
  },
  {
    key: "heic-thumbs",
    product: S,
    component: "Storage",
    trace: `WARN  i.h.s.preview.ThumbnailWorker - thumbnail failed for file 88120193 (IMG_4417.HEIC)
javax.imageio.IIOException: Unsupported Image Type
	at java.desktop/com.sun.imageio.plugins.jpeg.JPEGImageReader.readInternal(JPEGImageReader.java:1145)
	at java.desktop/javax.imageio.ImageIO.read(ImageIO.java:1466)
	at io.harbor.server.preview.ThumbnailWorker.render(ThumbnailWorker.java:88)`,
    variants: [
      {
        title: "No thumbnails for iPhone photos (HEIC)",
        body: `Photos uploaded from iPhones in HEIC format have no preview in the web gallery, only a grey placeholder. JPEGs are fine. The server log fills up with thumbnail errors.

{{trace}}`,
      },
      {
        title: "Gallery shows grey squares instead of pictures",
        body: `My family album in the Harbor web app has grey squares for most of the pictures my wife took with her phone. My own pictures (Android) show normally. Clicking a grey square downloads the photo, and the photo opens fine on the computer.`,
      },
      {
        title: "ThumbnailWorker log spam: IIOException Unsupported Image Type",
        body: `server.log grows by ~2 GB per day on our instance, mostly this, repeated for the same files every time the gallery is opened:

{{trace}}

Failed thumbnails are not cached, so they are retried on every request.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "mysql-keylength",
    version: "2.0.0",
    product: S,
    component: "Database",
    variants: [
      {
        title: "Upgrade 1.9 -> 2.0 fails on MySQL: 'Specified key was too long'",
        body: `Running the 2.0 migrations against MySQL 5.7 with utf8mb4:

ERROR 1071 (42000) at migration V2_0_3__share_tokens: Specified key was too long; max key length is 767 bytes

The new index on share_token(token VARCHAR(255)) is 1020 bytes in utf8mb4.`,
        noFooter: true,
      },
      {
        title: "Server won't start after upgrading to 2.0",
        body: `We upgraded the Docker image from 1.9.4 to 2.0.0. The container exits right away with "migration failed" and mentions key length. We're on the MySQL version that came with our NAS. Rolled back to 1.9.4 for now.`,
      },
    ],
  },
  {
    key: "group-perm-cache",
    product: S,
    component: "Sharing",
    variants: [
      {
        title: "Users removed from a group can still open the group folder",
        body: `After removing a user from the "HR" group in LDAP, the user can still browse and download files from the HR group folder for hours. Sign-out and sign-in doesn't help.`,
      },
      {
        title: "Permission cache not invalidated when LDAP group membership changes",
        body: `ACL resolution caches group membership per user for 12 h (acl.groupCacheTtl) and the LDAP sync job doesn't evict entries for users whose memberships changed. A security-relevant change should take effect on the next sync run at the latest.`,
        noFooter: true,
      },
      {
        title: "Former team member still downloading files after leaving the project",
        body: `An external contractor's access was removed from the project group on Friday morning. Our audit log shows he downloaded three files from the project folder on Friday afternoon. How is that possible?`,
      },
    ],
  },
  {
    key: "totp-drift",
    product: S,
    component: "Auth",
    variants: [
      {
        title: "All TOTP codes rejected since the weekend",
        body: `Since Sunday nobody in our company can log in with two-factor authentication. Codes from Google Authenticator and from 1Password are both "invalid". Recovery codes work.`,
      },
      {
        title: "2FA fails when the appliance clock drifts",
        body: `On the virtual appliance image, systemd-timesyncd is disabled, so after a few weeks the clock drifts by several minutes and every TOTP code falls outside the ±1 step window. The admin console should warn about clock drift, and the appliance should ship with time sync enabled.

$ timedatectl
System clock synchronized: no
NTP service: inactive`,
        noFooter: true,
      },
    ],
  },
  {
    key: "proxy-ratelimit",
    version: "2.1",
    product: S,
    component: "API",
    variants: [
      {
        title: "Everyone gets 429 Too Many Requests behind nginx",
        body: `Our Harbor server sits behind an nginx reverse proxy. Since 2.1 users randomly get "429 Too Many Requests", mostly in the morning when everyone starts their clients.`,
      },
      {
        title: "Rate limiter ignores X-Forwarded-For from trusted proxies",
        body: `The per-IP rate limiter keys on the socket address. Behind a reverse proxy that is the proxy's address for every request, so all users share one bucket. We have server.trustedProxies already; the limiter should use the resolved client address like the access log does.`,
        noFooter: true,
      },
      {
        title: "Clients get throttled even with very light usage",
        body: `Desktop clients show "Server is busy, retrying in 60 s" all the time, even though our server is barely loaded. Harbor runs in Kubernetes behind the ingress controller.`,
        platform: "Kubernetes (Helm chart)",
      },
    ],
  },
  {
    key: "audit-export",
    product: S,
    component: "Admin Console",
    variants: [
      {
        title: "Audit log export for a full year never finishes",
        body: `Exporting the audit log as CSV for 2023 spins forever in the admin console. A one-month export works.`,
      },
      {
        title: "504 Gateway Timeout when exporting the activity report",
        body: `Our auditors need the activity report for the whole financial year. The download fails after exactly 60 seconds with "504 Gateway Time-out" from nginx. Increasing proxy_read_timeout to 10 minutes made it succeed after 7 minutes, but that can't be the solution.`,
      },
    ],
  },
  {
    key: "percent-filenames",
    product: S,
    component: "API",
    variants: [
      {
        title: "Files with '#' or '%' in the name return 404 on download",
        body: `Uploading works, but downloading "Q3 #2 results.xlsx" or "50% discount.pdf" from the web UI or via a share link gives 404. Seems to be double URL-decoding on the download route.`,
      },
      {
        title: "Can't open 'Offer 100%.pdf' from the web interface",
        body: `One specific file can't be opened or downloaded from the browser: "Page not found". All other files in the folder are OK. Renaming it to "Offer 100 percent.pdf" fixes it.`,
      },
      {
        title: "Download path decoded twice in FileResource",
        body: `FileResource#download calls URLDecoder.decode on the path parameter that JAX-RS already decoded. '%25' becomes '%' becomes an invalid escape; '#' never arrives because the web UI doesn't encode it. Fix: drop the second decode and encode '#' in the UI links.`,
        noFooter: true,
      },
    ],
  },

  // ---- Harbor Mobile -------------------------------------------------------------------------
  {
    key: "ios-reupload",
    version: "5.0",
    product: M,
    component: "Camera Upload",
    platforms: IOS,
    variants: [
      {
        title: "Camera upload re-uploads the whole photo library after the iOS 17 update",
        body: `After updating my iPhone to iOS 17, Harbor started uploading all 14,000 photos again. They now exist twice on the server ("IMG_0012.HEIC" and "IMG_0012 (1).HEIC").`,
      },
      {
        title: "All my pictures appear twice in Harbor",
        body: `Suddenly every photo in my "Camera Uploads" folder is there two times. My storage is almost full now. I didn't change anything in the app, only my phone did a system update last week.`,
      },
      {
        title: "Uploaded-assets index keyed on localIdentifier, which changed after OS upgrade",
        body: `We track uploaded photos by PHAsset.localIdentifier. Those are not guaranteed stable across OS upgrades or iCloud Photo Library re-syncs, and for some users they all changed with iOS 17. We should fall back to (creationDate, pixel size, content hash) before re-uploading.`,
        noFooter: true,
      },
    ],
    planted: {
      title: "Phone is uploading every photo again and creating copies with (1) in the name",
      body: `My iPhone installed a new iOS version and since then the Harbor app is sending my entire camera roll to the server a second time. Each picture now has a twin ending in " (1)". I'm running out of storage space.`,
    },
  },
  {
    key: "android-bg-upload",
    product: M,
    component: "Camera Upload",
    platforms: ANDROID,
    trace: `2024-03-18 22:41:07.118 W/WM-WorkerWrapper: Work [ id=6f1c..., tags={ io.harbor.mobile.upload.CameraUploadWorker } ] was cancelled
2024-03-18 22:41:07.120 I/HarborUpload: stopped, reason=STOP_REASON_APP_STANDBY (12), pending=37`,
    variants: [
      {
        title: "Automatic photo upload only works while the app is open",
        body: `Camera upload is enabled, but new photos only get uploaded when I open Harbor. In the background nothing happens, even on Wi-Fi and charging overnight.`,
      },
      {
        title: "Photos only sync when I open Harbor",
        body: `I take pictures during the day and in the evening I check the Harbor website - nothing there. The moment I open the app on my phone the uploads start. Battery optimisation for Harbor is set to "Optimised" (the default). Samsung phone.`,
        platform: "Android 14 (Galaxy S23)",
      },
      {
        title: "CameraUploadWorker cancelled with STOP_REASON_APP_STANDBY",
        body: `logcat from a test device put in the "rare" standby bucket:

{{trace}}

We enqueue the worker as expedited without a foreground service fallback, so on standby-restricted devices it's cancelled and not rescheduled.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "biometric-crash",
    version: "5.0",
    product: M,
    component: "Auth",
    platforms: ["Android 14 (Pixel 8)", "Android 14 (Galaxy S23)"],
    trace: `FATAL EXCEPTION: main
Process: io.harbor.mobile, PID: 21877
java.lang.IllegalStateException: Must call setNegativeButtonText() for non-device credential authenticators
	at androidx.biometric.BiometricPrompt$PromptInfo$Builder.build(BiometricPrompt.java:412)
	at io.harbor.mobile.auth.AppLock.showPrompt(AppLock.kt:54)
	at io.harbor.mobile.auth.LoginActivity.onResume(LoginActivity.kt:131)
	at android.app.Activity.performResume(Activity.java:8810)`,
    variants: [
      {
        title: "Crash on launch with app lock (biometrics) enabled on Android 14",
        body: `{{trace}}

Happens on every start once "Unlock with fingerprint" is on. Only Android 14; Android 13 devices fine.`,
        noFooter: true,
      },
      {
        title: "App closes immediately after I enabled fingerprint unlock",
        body: `I turned on "Require fingerprint to open Harbor" in the settings. Now the app crashes as soon as I open it. I can't get to the settings to turn it off again. Clearing app data works but then I have to log in and set everything up again.`,
      },
    ],
  },
  {
    key: "offline-evicted",
    product: M,
    component: "Offline Files",
    variants: [
      {
        title: "Files marked 'available offline' disappear after a few days",
        body: `I mark folders as available offline before flights. A few days later they show the cloud icon again and won't open without connectivity.`,
      },
      {
        title: "Offline folder was empty on the plane",
        body: `I prepared all my presentation files as offline files on Sunday, checked that they opened. On Wednesday on the plane the app said "No connection" for every one of them. Very frustrating, I had to present from memory.`,
      },
      {
        title: "Offline copies stored in cacheDir get evicted by the OS",
        body: `Pinned offline files live under context.cacheDir (Android) / Library/Caches (iOS). Both systems may purge these directories under storage pressure. Pinned files need to move to filesDir / Application Support and be excluded from backup.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "dark-rename",
    product: M,
    component: "UI",
    variants: [
      {
        title: "Dark mode: text invisible in the rename dialog",
        body: `With the system dark theme, the text field in the "Rename" dialog shows black text on a dark grey background. You can't see what you type.`,
      },
      {
        title: "Can't see what I'm typing when renaming a file at night",
        body: `When my phone switches to night mode in the evening and I try to rename something in Harbor, the box where you type the new name looks empty. The letters are there (the rename works) but they're the same color as the background.`,
      },
    ],
  },
  {
    key: "open-in-copy",
    product: M,
    component: "Sync",
    variants: [
      {
        title: "Editing a file via 'Open in' saves a new copy instead of updating the original",
        body: `Open a .docx from Harbor in the Word app, edit, save. Back in Harbor there is now "Report (1).docx" next to the unchanged "Report.docx".

Expected: Report.docx is updated with a new version.`,
      },
      {
        title: "Every time I edit a spreadsheet on my phone I get a duplicate file",
        body: `Our sales team edits price lists on their phones. After each edit we end up with "Prices (1).xlsx", "Prices (2).xlsx" and so on, and nobody knows which one is current.`,
      },
    ],
  },
  {
    key: "push-after-update",
    product: M,
    component: "Notifications",
    platforms: ANDROID,
    variants: [
      {
        title: "Push notifications stop after an app update until I log out and in",
        body: `After the app updated itself from the Play Store I no longer get notifications about shared files. Logging out and back in restores them.`,
      },
      {
        title: "FCM token not re-registered after upgrade",
        body: `onNewToken isn't called on upgrade, and we only register the token with the server at login. When the token rotates (which it does on app update for some devices), the server keeps pushing to the stale token and gets UNREGISTERED. We should re-register on every cold start if the token changed.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "wifi-to-cell",
    product: M,
    component: "Networking",
    trace: `java.net.SocketException: Software caused connection abort
	at java.net.SocketOutputStream.socketWrite0(Native Method)
	at okio.OutputStreamSink.write(JvmOkio.kt:94)
	at okhttp3.internal.http1.Http1ExchangeCodec$ChunkedSink.write(Http1ExchangeCodec.kt:311)
	at io.harbor.mobile.transfer.ChunkedUpload.sendPart(ChunkedUpload.kt:142)`,
    variants: [
      {
        title: "Upload restarts from 0% after leaving Wi-Fi range",
        body: `Uploading a long video, I walk out of the house, the phone switches to mobile data, and the upload starts again from the beginning instead of resuming.`,
      },
      {
        title: "SocketException: Software caused connection abort in ChunkedUpload.sendPart",
        body: `{{trace}}

After this we throw away the upload session and start a new one. The server supports resuming with the session id, we just don't use it after a network change.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "big-folder-anr",
    product: M,
    component: "UI",
    trace: `ANR in io.harbor.mobile (io.harbor.mobile/.browser.FolderActivity)
Reason: Input dispatching timed out (Waiting to send non-key event because the touched window has not finished processing certain input events that were delivered to it over 5000.0ms ago.)
  at io.harbor.mobile.browser.FolderAdapter.submitAll(FolderAdapter.kt:88)
  at io.harbor.mobile.browser.FolderViewModel$load$1.invokeSuspend(FolderViewModel.kt:61)`,
    variants: [
      {
        title: "App hangs when opening a folder with many files",
        body: `Opening a folder with more than ~10,000 files freezes the app for 30-60 seconds, and Android often shows "Harbor isn't responding".`,
        platform: "Android 13 (Pixel 7)",
      },
      {
        title: "ANR in FolderActivity: Input dispatching timed out",
        body: `Play Console reports this as our top ANR cluster:

{{trace}}

submitAll sorts and diffs the full list on the main thread.`,
        noFooter: true,
      },
      {
        title: "Photo folder with 12,000 images takes 40 seconds to open",
        body: `My "Camera Uploads" folder has 12,000 photos. Tapping it, the screen freezes and I can't scroll or go back for about 40 seconds. Smaller folders are quick.`,
      },
    ],
  },
  {
    key: "subpath-login",
    product: M,
    component: "Auth",
    variants: [
      {
        title: "Can't log in when the server is installed under a sub-path",
        body: `Our server URL is https://files.example.org/harbor. The mobile app says "Server not found". The desktop client works with the same URL.`,
      },
      {
        title: "404 on login: app calls /api/... instead of /harbor/api/...",
        body: `The login screen normalises the server URL with URL(base, "/api/v2/login"), which discards the base path because of the leading slash. Requests go to https://host/api/v2/login and nginx returns 404.`,
        noFooter: true,
      },
    ],
  },
  {
    key: "rename-conflict-loss",
    product: M,
    component: "Sync",
    variants: [
      {
        title: "File lost when it is renamed on two devices at the same time",
        body: `Renaming the same file offline on the phone and on the desktop, then reconnecting the phone: the phone's rename wins, and the desktop's version (which had also been edited) is gone - no conflict copy, not in trash.`,
      },
      {
        title: "My edits vanished after renaming a note on my phone",
        body: `I edited "Packing list.txt" on my laptop and renamed it to "Packing list Italy.txt". My husband renamed the same file on his phone while on the train (no signal) to "Italy packing". When his phone came online my edits were gone. We only have his version.`,
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Singletons (one report each). Several are close in topic to a group on purpose.
// ---------------------------------------------------------------------------------------------

const SINGLES: Single[] = [
  // Harbor Desktop - Sync
  { product: D, component: "Sync", title: "Files in folders named 'Con' or 'Aux' fail to download on Windows", body: `A Mac user created a folder called "Aux" (short for auxiliary). Windows clients log "invalid path" and stop syncing the whole share instead of skipping the one folder.` },
  { product: D, component: "Sync", title: "Sync ignores files whose names end with a space", body: `Files named "notes .txt" (trailing space before the dot is fine) but "notes.txt " with a trailing space, created on macOS, never download to Windows and are not listed as errors either.` },
  { product: D, component: "Sync", title: "Moving a folder between two shared folders copies instead of moves", body: `Dragging a folder from "Team A" to "Team B" (both shared folders I own) results in a full re-upload and a delete, so version history is lost. Within one shared folder moves are cheap.` },
  { product: D, component: "Sync", title: "Excluded file patterns are case sensitive", body: `I added "*.TMP" to the ignore list, but files ending in ".tmp" are still uploaded. On Windows and macOS the match should ignore case.` },
  { product: D, component: "Sync", title: "Sync of a folder with 250k small files takes 40 minutes after each restart", body: `Initial scan on startup walks and hashes everything again. With 250,000 files (a photo archive) CPU is at 100 % for 40 minutes before any real sync happens. The journal already has mtimes and sizes; rehashing should only happen when those changed.` },
  { product: D, component: "Sync", title: "Hidden files starting with a dot are skipped on Windows only", body: `.gitignore and .editorconfig files in my project folders are synced from Linux but a Windows machine never uploads its own dotfiles. Looks like the Windows "hidden" attribute is treated as "ignore".` },
  { product: D, component: "Sync", title: "Conflict copies use the computer name, which is 'DESKTOP-8H2K1QF' for everybody", body: `Not a bug in the conflict logic, but the conflict file names contain the Windows default host name, so nobody can tell whose copy is whose. Please use the user's display name instead or in addition.` },
  { product: D, component: "Sync", title: "Files edited in Vim lose their share permissions", body: `Vim writes a new file and renames it over the original. Harbor sees delete + create and the new file loses the per-file share link that existed on the old one. Saving the same file in VS Code keeps the link.` },
  { product: D, component: "Sync", title: "Empty folders are not synced", body: `Creating an empty folder structure (templates for new projects) on one computer doesn't show up on the others until a file is placed inside.` },
  { product: D, component: "Sync", title: "Upload of files locked by Outlook (.pst) fails repeatedly with sharing violation", body: `harbord.sync.uploader: cannot open 'Mail/archive.pst': [WinError 32] The process cannot access the file because it is being used by another process

Retried every 30 s, forever, and the tray shows a red error badge. Locked files should be retried with backoff and shown as "waiting for file to be closed".` },
  { product: D, component: "Sync", title: "Downloaded files get the download time as modification date", body: `Files downloaded by the client have "Date modified" set to the moment they were downloaded instead of the original modification time on the server. Sorting by date in Explorer becomes useless.` },
  { product: D, component: "Sync", title: "Very long paths (> 260 chars) are silently skipped on Windows", body: `Deeply nested project folders created on Mac contain paths longer than 260 characters. Windows clients skip those files without telling anyone. Long path support is enabled in the registry.` },
  { product: D, component: "Sync", title: "Client re-downloads a file that was only renamed on the server", body: `Renaming a 3 GB file in the web UI makes every desktop client delete the local file and download it again, instead of renaming locally.` },
  { product: D, component: "Sync", title: "Sync stalls at 'Checking for changes' on network share", body: `The sync folder is on a mapped network drive (not recommended, I know). After an hour the client stays at "Checking for changes…" and never finishes. No log entries after the scan starts.` },
  { product: D, component: "Sync", title: "Ignored files are listed as 'not synced' errors", body: `Files matching my ignore patterns show up in the "Not synced" error list with a red icon, which makes the list too long to spot real problems.` },
  { product: D, component: "Sync", title: "Read-only shared folder: local edits are reverted without a warning", body: `In a folder that is shared with me read-only I can still edit files locally. Harbor then silently replaces my changes with the server version. I lost an afternoon of work. There should at least be a notification, or a local copy.` },
  { product: D, component: "Sync", title: "Git repositories inside the sync folder get corrupted", body: `Having a git repository inside the Harbor folder and working on two computers leads to "fatal: bad object HEAD" after a while. I understand this is risky, but maybe the client could warn when it detects a .git folder.` },
  { product: D, component: "Sync", title: "Hash computation for a 20 GB file blocks all other uploads", body: `While harbord hashes a huge file, small files saved in the meantime wait in the queue. Hashing should happen off the upload queue or in parallel.` },
  { product: D, component: "Sync", title: "Files deleted on the server come back from an old laptop", body: `A laptop that had been switched off for three months was turned on and restored a bunch of folders we had deliberately deleted in the meantime. Deletes that happened while a client was offline should win over its unchanged local copies.` },
  { product: D, component: "Sync", title: "Emoji in folder names break sync on Windows", body: `Folder "📷 Holiday 2023" created on a phone. The Windows client logs UnicodeEncodeError and stops processing the parent folder.

Traceback (most recent call last):
  File "harbord/sync/local_fs.py", line 93, in listdir
    names = [n.encode("mbcs") for n in os.listdir(p)]
UnicodeEncodeError: 'mbcs' codec can't encode characters in position 0--1: invalid character` },

  // Harbor Desktop - Auth
  { product: D, component: "Auth", title: "Sign-in fails for email addresses with a plus sign", body: `Logging in as "maria+harbor@example.net" fails with "Unknown user" in the desktop client. The web login works. The client probably doesn't URL-encode the '+' in the form body.` },
  { product: D, component: "Auth", title: "Client asks to sign in again after every server upgrade", body: `Each time we upgrade the server, all desktop clients lose their session and users must sign in again. Tokens issued before the upgrade should stay valid.` },
  { product: D, component: "Auth", title: "Adding a second account with the same server URL replaces the first", body: `I have a personal and a work account on the same Harbor server. Adding the second account in the desktop client silently removes the first one.` },
  { product: D, component: "Auth", title: "SSO login window cannot be closed when the IdP is unreachable", body: `If the identity provider is down, the embedded login window shows a blank page with no close button. The only way out is killing the process from Task Manager.` },
  { product: D, component: "Auth", title: "Stored credentials in plain text on Linux when no keyring is available", body: `On a headless Linux box without gnome-keyring or KWallet the client falls back to writing the refresh token into ~/.config/harbor/harbor.cfg in plain text with mode 0644. Should at least be 0600 and warn.` },
  { product: D, component: "Auth", title: "Two-factor prompt does not accept codes pasted with a space", body: `My password manager copies TOTP codes as "123 456". Pasting that into the 2FA field of the desktop client gives "invalid code". Typing it without the space works.` },

  // Harbor Desktop - UI
  { product: D, component: "UI", title: "Main window does not remember its size and position", body: `Every time I open the Harbor window it appears in the middle of the primary screen at the default size, even though I moved it to my second monitor.` },
  { product: D, component: "UI", title: "Keyboard navigation impossible in the settings dialog", body: `Tab does not move focus between the controls in Settings. Screen reader users in our organisation can't configure the client.` },
  { product: D, component: "UI", title: "Tray menu shows 'Pause' while sync is already paused", body: `After pausing from the tray menu and reopening it, the item still says "Pause syncing" instead of "Resume syncing". Clicking it does resume, so just the label is wrong.` },
  { product: D, component: "UI", title: "Progress bar goes above 100% during large downloads", body: `Downloading a big folder the overall progress shows 104 %, 112 %... then jumps to "Up to date". Probably files added while downloading are counted twice.` },
  { product: D, component: "UI", title: "German translation truncates button labels", body: `In German, "Synchronisierung fortsetzen" doesn't fit the button in the status panel and is cut off as "Synchronisierung fortse".` },
  { product: D, component: "UI", title: "Dark mode on macOS: activity icons nearly invisible", body: `With macOS dark appearance, the upload/download arrow icons in the activity list are dark grey on black.` },
  { product: D, component: "UI", title: "Clicking a notification opens the wrong folder", body: `When I click the "3 files added to Marketing" notification, Explorer opens the Harbor root folder instead of Marketing.` },
  { product: D, component: "UI", title: "Window flickers when the activity list updates quickly", body: `During a big initial sync the whole window flickers several times a second as the list re-renders. Looks like the entire list is re-created on every event.`, platforms: WIN },
  { product: D, component: "UI", title: "Uncaught TypeError when opening an empty activity list", body: `Fresh install, open the main window before the first sync completes:

Uncaught TypeError: Cannot read properties of undefined (reading 'length')
    at ActivityList.render (app://harbor/renderer/activity-list.js:142:31)
    at updateComponent (app://harbor/renderer/vendor.js:18733:22)
    at renderRoot (app://harbor/renderer/vendor.js:19320:7)

The panel stays empty until the window is reopened.` },
  { product: D, component: "UI", title: "File size shown in MiB but labelled MB", body: `The client shows 953 MB for a 1,000,000,000 byte file; Explorer says 953 MB too but the web UI says 1 GB. Please be consistent and label binary units correctly.` },

  // Harbor Desktop - Storage / Installer / Updater / Notifications / Networking / Selective Sync
  { product: D, component: "Storage", title: "Cache folder grows without limit", body: `%LOCALAPPDATA%\\Harbor\\cache is 38 GB on my machine. Old chunks from completed uploads are never removed.`, platforms: WIN },
  { product: D, component: "Storage", title: "Moving the sync folder to another drive re-downloads everything", body: `Settings > Move folder to D:\\Harbor copies nothing and instead downloads 200 GB again from the server.`, platforms: WIN },
  { product: D, component: "Storage", title: "Journal file gets corrupted on network home directories", body: `With roaming profiles, the client's SQLite journal lives on an SMB share and regularly reports "database disk image is malformed". Storing the journal locally (%LOCALAPPDATA%) would avoid this.`, platforms: WIN },
  { product: D, component: "Storage", title: "Freeing up space leaves placeholder files at full size on disk", body: `After "Free up space" on a folder, Explorer shows the files as online-only, but the disk usage of the drive doesn't go down until a reboot.`, platforms: WIN },
  { product: D, component: "Installer", version: "3.5.0", title: "Silent install ignores the INSTALLDIR property", body: `msiexec /i Harbor-3.5.0.msi /qn INSTALLDIR="D:\\Apps\\Harbor" installs to Program Files anyway. Needed for our VDI images.`, platforms: WIN },
  { product: D, component: "Installer", title: "Uninstaller leaves the Explorer shell extension registered", body: `After uninstalling, Explorer still shows the Harbor overlay icons column and an empty context menu entry until the next reboot, and sometimes crashes when right-clicking.`, platforms: WIN },
  { product: D, component: "Installer", version: "3.6.0", title: "DEB package depends on libappindicator3-1, which is gone in Debian 12", body: `apt install ./harbor_3.6.0_amd64.deb fails: "Depends: libappindicator3-1 but it is not installable". libayatana-appindicator3-1 is the replacement.`, platforms: ["Debian 12"] },
  { product: D, component: "Installer", title: "Installer requires admin rights even for per-user installation", body: `The per-user MSI still triggers a UAC prompt. Our users don't have admin rights, so they can't install it without IT.`, platforms: WIN },
  { product: D, component: "Installer", version: "3.7.1", title: "AppImage does not start on Fedora 39: libfuse.so.2 missing", body: `./Harbor-3.7.1.AppImage
dlopen(): error loading libfuse.so.2

AppImages require FUSE to run.

Fedora ships fuse3 only by default. Offer an RPM or document installing fuse-libs.`, platforms: ["Fedora 39"] },
  { product: D, component: "Updater", title: "Update check ignores the configured proxy", body: `The sync engine uses the proxy from settings, but the update check goes out directly and fails in our network, so clients never learn about new versions.` },
  { product: D, component: "Updater", title: "Auto-update cannot be disabled by policy", body: `We deploy Harbor with SCCM and need to disable the built-in updater. There's a registry key for the update channel but none to turn updates off.`, platforms: WIN },
  { product: D, component: "Updater", title: "Update download restarts from scratch after a network hiccup", body: `On a flaky connection the 180 MB update download starts from zero every time the connection drops. It should resume with a Range request.` },
  { product: D, component: "Notifications", title: "Notifications can't be turned off per folder", body: `I want notifications for the shared "Invoices" folder, but not for the busy "Scans" folder where a copier drops files every few minutes. Currently it's all or nothing.` },
  { product: D, component: "Notifications", title: "Notification for a new share shows raw HTML", body: `The toast for "Folder shared with you" reads: "Lukas shared &lt;b&gt;Roadmap 2024&lt;/b&gt; with you".` },
  { product: D, component: "Notifications", title: "No notification when the quota is almost full", body: `The client stops uploading once the quota is reached, and only then shows an error. A warning at 90 % would let users clean up before work gets stuck.` },
  { product: D, component: "Networking", title: "Client ignores system proxy PAC file on macOS", body: `Our Macs get a PAC URL from MDM. Safari and Chrome use it; Harbor connects directly and is blocked by the firewall.`, platforms: MAC },
  { product: D, component: "Networking", title: "TLS handshake fails with servers using only TLS 1.3 ciphers on Windows 10", body: `harbord.net.http: SSL: UNSUPPORTED_PROTOCOL when the server is configured with ssl_protocols TLSv1.3 only. Browsers on the same machine connect fine.`, platforms: ["Windows 10 22H2"] },
  { product: D, component: "Networking", title: "Custom CA certificates from the OS trust store are not used", body: `Our server uses a certificate from the internal company CA, which is installed in the Windows certificate store. The client says "certificate verify failed: unable to get local issuer certificate". It seems to ship its own CA bundle.` },
  { product: D, component: "Networking", title: "IPv6-only network: client can't resolve server", body: `On an IPv6-only network with NAT64 the client fails name resolution, while the browser works. Possibly the resolver is forced to AF_INET.` },
  { product: D, component: "Networking", title: "Download limit setting resets to 'unlimited' after restart", body: `I set a 2 MB/s download limit; after restarting the app the setting shows "No limit" again. The upload limit value survives restarts.` },
  { product: D, component: "Selective Sync", title: "Folder chooser takes minutes to load for large shares", body: `Opening "Choose folders" for an account with many shared folders shows a spinner for 2-3 minutes. It seems to list the whole tree recursively instead of loading one level at a time.` },
  { product: D, component: "Selective Sync", title: "New subfolders of an excluded folder are synced anyway", body: `I excluded "Archive". When a colleague creates "Archive/2024", it appears on my computer.` },
  { product: D, component: "Selective Sync", title: "Selective sync settings lost after re-adding an account", body: `After signing out and in again, all folders are selected again and the client starts downloading 300 GB I had excluded.` },

  // Harbor Server
  { product: S, component: "API", title: "PATCH /api/v2/files/{id} accepts an empty name", body: `Renaming a file to "" through the API succeeds and creates a file with no name that the web UI can't display or delete.`, platforms: SERVER_OS },
  { product: S, component: "API", title: "API returns 500 instead of 400 for malformed JSON", body: `curl -X POST -d '{"name": ' https://host/api/v2/folders
{"error":"internal server error"}

Should be a 400 with a message about the body.` },
  { product: S, component: "API", title: "OpenAPI spec lists wrong type for quota fields", body: `The spec declares usedBytes and quotaBytes as int32, but the values exceed 2^31 for anyone with more than 2 GB. Generated clients overflow.` },
  { product: S, component: "API", title: "Chunked upload sessions never expire", body: `Upload sessions created with POST /api/v2/uploads and never finished stay in the upload_sessions table forever, along with their temporary chunks on disk.` },
  { product: S, component: "API", title: "ETag changes on every GET for folders", body: `GET on a folder returns a different ETag each time even when nothing changed, so conditional requests from clients never hit 304 and waste bandwidth.` },
  { product: S, component: "API", title: "Range requests ignored for downloads over 2 GB", body: `Download of large files with "Range: bytes=2147483648-" returns the whole file with 200 instead of 206. Smaller offsets work. Looks like an int overflow in the range parser.

java.lang.NumberFormatException: For input string: "2147483648"
	at java.base/java.lang.Integer.parseInt(Integer.java:652)
	at io.harbor.server.http.RangeHeader.parse(RangeHeader.java:41)` },
  { product: S, component: "API", title: "WebDAV LOCK tokens not released when the client disconnects", body: `Files opened via WebDAV by LibreOffice stay locked for 24 h after the client crashes. No admin UI to release the lock.` },
  { product: S, component: "Auth", title: "Session cookie missing SameSite attribute", body: `The harbor_session cookie is set without SameSite. Current browsers treat it as Lax, which breaks the Office Online integration iframe.` },
  { product: S, component: "Auth", title: "Password reset emails link to http:// even behind HTTPS proxy", body: `Reset links in emails start with http://. The server doesn't honour X-Forwarded-Proto when building absolute URLs.` },
  { product: S, component: "Auth", title: "OIDC login fails when the IdP returns groups as a string instead of an array", body: `Our Keycloak mapper returns "groups": "staff" for users with a single group.

com.fasterxml.jackson.databind.exc.MismatchedInputException: Cannot deserialize value of type \`java.util.ArrayList<java.lang.String>\` from String value (token \`JsonToken.VALUE_STRING\`)
	at io.harbor.server.auth.oidc.ClaimsMapper.groups(ClaimsMapper.java:66)` },
  { product: S, component: "Auth", title: "App passwords can't be revoked individually", body: `In the security settings I can only revoke all app passwords at once. I'd like to revoke the one for my lost tablet only.` },
  { product: S, component: "Auth", title: "Brute-force protection locks out the whole office IP", body: `After a few failed logins from one user the login throttle blocks the IP address, which is our office NAT. Everyone is locked out for 15 minutes. Throttling should be per account + IP.` },
  { product: S, component: "Auth", title: "LDAP sync deletes users that are temporarily missing from a search page", body: `When the LDAP server returns a partial result (sizelimit exceeded), the sync job treats all users not seen as deleted and disables their accounts. 40 accounts got disabled this morning.` },
  { product: S, component: "Storage", title: "Local storage backend does not fsync before acknowledging uploads", body: `After a power failure some recently uploaded files were zero bytes on disk while the database said they were complete. The local backend should fsync the file (and directory) before committing the metadata.` },
  { product: S, component: "Storage", title: "Switching storage backend requires downtime", body: `Moving from local disk to S3 is only possible by stopping the server and running the migration tool. An online migration would be great for larger installations.` },
  { product: S, component: "Storage", title: "Versions are not deleted when the retention period expires", body: `Retention is set to 30 days, but files still have versions from last year. The cleanup job runs (log says "version cleanup finished") but deletes 0 versions.` },
  { product: S, component: "Storage", title: "Thumbnail generation for large PDFs blocks the worker pool", body: `Uploading a 900-page scanned PDF keeps one preview worker busy for minutes, and with 4 workers a few such uploads block previews for everyone. Needs a timeout per document.` },
  { product: S, component: "Storage", title: "Azure Blob backend fails with 'The specified blob already exists'", body: `Uploading a new version of an existing file fails on the Azure backend:

com.azure.storage.blob.models.BlobStorageException: Status code 409, "<Error><Code>BlobAlreadyExists</Code><Message>The specified blob already exists.</Message></Error>"
	at io.harbor.server.storage.azure.AzureBlobStore.put(AzureBlobStore.java:102)

New files work fine.` },
  { product: S, component: "Storage", title: "Encrypted storage: key rotation leaves old files unreadable", body: `After rotating the master key in the admin console, files uploaded before the rotation fail to download with "decryption failed". The old key appears to be discarded instead of kept for decryption.` },
  { product: S, component: "Sharing", title: "Password-protected links accept the password in any letter case", body: `A public link protected with "Harbor2024" can be opened with "harbor2024". Share passwords should be case sensitive.` },
  { product: S, component: "Sharing", title: "Federated share invitations fail when the remote server uses a non-standard port", body: `Sharing with user@partner.example:8443 fails with "remote server not found". The port is stripped when the discovery URL is built.` },
  { product: S, component: "Sharing", title: "Upload-only links show the list of files already uploaded", body: `A "file drop" link is supposed to allow uploads without seeing the folder contents, but after uploading, the confirmation page lists every file in the folder, including other people's uploads.` },
  { product: S, component: "Sharing", title: "Resharing allowed even when the owner disabled it", body: `The owner shares a folder with "can reshare" unticked. The recipient can still create a public link through the API (POST /api/v2/shares), only the web UI hides the button.` },
  { product: S, component: "Sharing", title: "Share notification email uses the server's language instead of the recipient's", body: `All share emails are in English even for users who set German as their language in their profile.` },
  { product: S, component: "Sharing", title: "Cannot share with a group whose name contains a slash", body: `Our LDAP groups are named like "Sales/EMEA". The share dialog doesn't find them and the API returns 404 for /api/v2/groups/Sales%2FEMEA.` },
  { product: S, component: "Admin Console", title: "User list sorting by 'last login' is alphabetical", body: `Sorting the users table by "Last login" orders "1 day ago", "12 days ago", "2 hours ago"... as strings.` },
  { product: S, component: "Admin Console", title: "Cannot set a quota larger than 2 TB in the admin console", body: `Entering 5 TB in the quota field shows "invalid value". The API accepts it.` },
  { product: S, component: "Admin Console", title: "Bulk user import ignores the 'groups' column", body: `Importing users from CSV creates the accounts, but the groups column is ignored without any warning. Documentation says it's supported.` },
  { product: S, component: "Admin Console", title: "Admin console shows storage usage from yesterday", body: `The dashboard's "Total storage used" only updates once per night. After a big cleanup we can't verify the effect until the next day. A refresh button would help.` },
  { product: S, component: "Admin Console", title: "Deleting a user transfers files to an admin who has no quota left", body: `When deleting a user and choosing "transfer files to", the transfer fails halfway because the target admin's quota is exceeded, leaving files split between the two accounts.` },
  { product: S, component: "Database", title: "Slow query when listing trash with 100k items", body: `GET /api/v2/trash takes 25 s for a user with 100,000 deleted items. EXPLAIN shows a sequential scan on files filtered by deleted_at without an index.` },
  { product: S, component: "Database", title: "PostgreSQL: deadlock between share creation and quota update", body: `Occasionally:

org.postgresql.util.PSQLException: ERROR: deadlock detected
  Detail: Process 31188 waits for ShareLock on transaction 9917261; blocked by process 31190.
	at io.harbor.server.quota.QuotaService.charge(QuotaService.java:143)

Two transactions lock users and shares rows in opposite order.` },
  { product: S, component: "Database", title: "Database backup command locks the files table for the whole dump", body: `harbor-admin db backup uses a plain mysqldump without --single-transaction, so users can't upload during the nightly backup (about 20 minutes).` },
  { product: S, component: "Database", title: "Activity table grows to hundreds of GB", body: `There's no retention for the activity table. After three years it's our biggest table (310 GB) and makes backups slow.` },
  { product: S, component: "Search", title: "Full-text search doesn't find words in PDF files with ligatures", body: `Searching for "office" doesn't find PDFs where the text uses the "ﬃ" ligature. Text extraction should normalise ligatures (NFKC).` },
  { product: S, component: "Search", title: "Search results include files from folders the user has left", body: `After leaving a shared folder, its files still appear in my search results (clicking them gives "access denied").` },
  { product: S, component: "Search", title: "Reindex job cannot be resumed after a restart", body: `A full search reindex of our 40M files takes two days. If the server restarts in between, it starts over from scratch.` },
  { product: S, component: "Search", title: "Search for file extension returns nothing", body: `Searching for ".dwg" or "dwg" returns no results, although there are thousands of .dwg files. The tokenizer drops extensions.` },
  { product: S, component: "Notifications", title: "Webhook retries have no backoff and no limit", body: `If a webhook endpoint is down, the server retries every second forever, flooding the endpoint when it comes back.` },
  { product: S, component: "Notifications", title: "Email notifications contain broken links when the public URL is not configured", body: `Links in emails point to http://localhost:8080/... Because server.publicUrl wasn't set, but there was no warning at startup either.` },
  { product: S, component: "Notifications", title: "Mention notifications sent for comments on files the user can't access", body: `Mentioning @maria in a comment on a file she doesn't have access to sends her an email with the file name and comment text. That leaks information.` },
  { product: S, component: "API", title: "Server startup fails when the temp directory is on a noexec mount", body: `The embedded native image library is extracted to /tmp and loaded. On hardened servers with /tmp mounted noexec the server fails:

java.lang.UnsatisfiedLinkError: /tmp/libvips-harbor-88123.so: failed to map segment from shared object
	at java.base/jdk.internal.loader.NativeLibraries.load(Native Method)`, platforms: ["RHEL 9", "Debian 12"] },
  { product: S, component: "Admin Console", title: "Helm chart: readiness probe succeeds before migrations finish", body: `During upgrades, the new pod reports ready while database migrations are still running, so the ingress sends traffic to it and users get 503s.`, platforms: ["Kubernetes (Helm chart)"] },
  { product: S, component: "Storage", title: "Docker image runs as root and writes files owned by root into the volume", body: `Files in the data volume are owned by root:root, so after moving to a rootless setup the server can't read them. The image should run as a dedicated user.`, platforms: ["Docker Compose on Ubuntu 20.04", "Ubuntu 22.04 (Docker)"] },

  // Harbor Mobile
  { product: M, component: "Sync", title: "Pull-to-refresh doesn't show new files until the app is restarted", body: `Files uploaded from my computer don't show up when I pull down to refresh the folder. Killing and reopening the app shows them.` },
  { product: M, component: "Sync", title: "Favourite files are not updated automatically", body: `I marked a spreadsheet as a favourite so it stays up to date on my phone. When a colleague changes it, my phone still opens the old version until I open the file's details and tap "Update".` },
  { product: M, component: "Sync", title: "Moving files between folders fails with 'Item already exists' for different names", body: `Moving "Invoice 1.pdf" to a folder containing "invoice 1.pdf" fails on the phone with "Item already exists" although the server treats names case-sensitively.` },
  { product: M, component: "Sync", title: "Deleting a file on the phone leaves it in the 'Recent' list", body: `The deleted file stays in the Recent tab, and tapping it shows a spinner forever.` },
  { product: M, component: "Camera Upload", title: "Camera upload skips videos longer than 10 minutes", body: `Short videos are uploaded, longer ones never are. No error anywhere. My phone records 4K, so those files are 3-6 GB.`, platforms: ANDROID },
  { product: M, component: "Camera Upload", title: "Live Photos uploaded without the video part", body: `Live Photos end up on the server as still images only. The short video that belongs to them is lost.`, platforms: IOS },
  { product: M, component: "Camera Upload", title: "Camera upload folder cannot be changed after setup", body: `The destination folder for camera upload is chosen once during setup. To change it I have to disable and re-enable the feature, which starts the whole upload again.` },
  { product: M, component: "Camera Upload", title: "Photos from WhatsApp folder uploaded even though only Camera is selected", body: `I selected only the DCIM/Camera folder for automatic upload, but images received in WhatsApp are uploaded too.`, platforms: ANDROID },
  { product: M, component: "Camera Upload", title: "Upload order is random, newest photos arrive last", body: `After a holiday with 800 photos, Harbor uploads them in a random order. I'd like the newest ones first so I can share them quickly.` },
  { product: M, component: "Camera Upload", title: "Original creation date lost for uploaded photos", body: `On the server, all my camera uploads have the upload date as modification time. The photo gallery on the web sorts my 2019 photos as if they were taken last week.` },
  { product: M, component: "Auth", title: "Login with QR code fails when the phone camera permission was denied once", body: `If I deny camera permission the first time, the "Scan QR code" button does nothing afterwards, no prompt, no hint to go to settings.` },
  { product: M, component: "Auth", title: "App logs me out every few days", body: `Roughly every three days I have to log in again on my phone. On my laptop I stay logged in for months. Our server admin says token lifetime is 30 days.` },
  { product: M, component: "Auth", title: "Password field allows screenshots on Android", body: `FLAG_SECURE is not set on the login screen, so the password can be captured in screenshots and the recent apps preview.`, platforms: ANDROID },
  { product: M, component: "Auth", title: "Client certificate authentication not supported on iOS", body: `Our server requires mutual TLS. The Android app lets me pick a certificate from the keychain; on iOS the login simply fails with "The network connection was lost".`, platforms: IOS },
  { product: M, component: "UI", title: "File list jumps to the top after returning from a preview", body: `When I open a photo from the middle of a long folder and go back, the list scrolls to the top and I have to find my place again.` },
  { product: M, component: "UI", title: "Sorting by size puts folders in the middle of the list", body: `Sorting by size mixes folders between files. Folders should stay on top like in the desktop app.` },
  { product: M, component: "UI", title: "Landscape mode cuts off the bottom toolbar on tablets", body: `On an iPad in landscape the bottom toolbar with "Share" and "Move" is partially hidden behind the home indicator.`, platforms: ["iOS 17.4 (iPad Air)"] },
  { product: M, component: "UI", title: "Font size setting of the system ignored in file names", body: `I use a large text size on my phone. Menus in Harbor follow it, but the file names in the list stay tiny.` },
  { product: M, component: "UI", title: "PDF preview renders pages blank on Android 12", body: `Some PDFs show blank white pages in the built-in preview. Opening the same file in another PDF app works. The files were created by our scanner.`, platforms: ["Android 12 (Xiaomi Redmi Note 11)"] },
  { product: M, component: "UI", title: "Crash when rotating the device during a video preview", body: `FATAL EXCEPTION: main
java.lang.IllegalStateException: Fragment VideoPreviewFragment{7f2a1c} not attached to a context.
	at androidx.fragment.app.Fragment.requireContext(Fragment.java:972)
	at io.harbor.mobile.preview.VideoPreviewFragment.onPlayerError(VideoPreviewFragment.kt:118)

Rotate the phone while a video is buffering.`, platforms: ANDROID },
  { product: M, component: "UI", title: "Search field loses focus after each typed character on iOS", body: `Typing in the search box in a folder: after every letter the keyboard closes. Only on iOS 17.`, platforms: ["iOS 17.2 (iPhone 14)", "iOS 17.4 (iPad Air)"] },
  { product: M, component: "Offline Files", title: "Offline folders don't include files added later", body: `I made a folder available offline. New files added to that folder on the computer are not downloaded automatically; only the files that existed when I pinned it.` },
  { product: M, component: "Offline Files", title: "No way to see how much space offline files use", body: `My phone is full and I suspect Harbor. There's no screen showing how much storage the offline files take, or a button to remove them all.` },
  { product: M, component: "Offline Files", title: "Offline file edits are lost if the app is killed before upload", body: `Editing an offline text file with the built-in editor while in airplane mode, then swiping the app away: the edit is gone when I reopen the app.` },
  { product: M, component: "Notifications", title: "Notification badge count never resets on iOS", body: `The app icon badge shows 37 even after reading all notifications inside the app.`, platforms: IOS },
  { product: M, component: "Notifications", title: "Upload progress notification cannot be dismissed after upload fails", body: `When an upload fails, the ongoing "Uploading 1 file" notification stays forever and can't be swiped away until I reboot the phone.`, platforms: ANDROID },
  { product: M, component: "Notifications", title: "Notifications arrive hours late on Xiaomi phones", body: `On MIUI, share notifications arrive when I open the app, not when the file is shared. Other apps' pushes are instant.`, platforms: ["Android 12 (Xiaomi Redmi Note 11)"] },
  { product: M, component: "Networking", title: "App ignores 'Upload only on Wi-Fi' when connected to a phone hotspot", body: `Connected to my second phone's hotspot (which is on mobile data), Harbor treats it as Wi-Fi and uploads 2 GB of videos. Android marks such networks as metered; the app should check that.`, platforms: ANDROID },
  { product: M, component: "Networking", title: "Certificate pinning breaks login behind corporate TLS inspection", body: `In our corporate Wi-Fi, the app fails with "SSL handshake aborted". Our network inspects TLS and re-signs with the company CA, which is installed on the device as a user certificate.` },
  { product: M, component: "Networking", title: "Downloads time out on slow connections after 30 seconds", body: `On a train with bad signal any file bigger than a few MB fails with "Timeout". The timeout seems to be for the whole download rather than for inactivity.` },
  { product: M, component: "Sync", title: "Shared-with-me folder list empty after switching accounts", body: `I use two accounts. After switching from the work to the private account and back, "Shared with me" stays empty until the app restarts.` },
  { product: M, component: "Sync", title: "Renaming a folder on the phone breaks its offline availability", body: `The folder was available offline. After renaming it in the app, the offline badge disappears and the files are downloaded again.` },

  // More Harbor Desktop
  { product: D, component: "Sync", title: "Files with accented names fail to download on Linux when LANG=C", body: `On a server-style Linux box where the locale is C/POSIX, files like "Ångström.txt" fail to download with "UnicodeEncodeError: 'ascii' codec can't encode character '\\xc5'". Setting LANG=en_US.UTF-8 fixes it. The client should not depend on the locale for file names.`, platforms: LINUX },
  { product: D, component: "Sync", title: "Client drains the battery while idle", body: `With nothing to sync, harbord wakes up several times per second (powertop shows ~40 wakeups/s). On battery my MacBook loses about 10 % per hour more with Harbor running.`, platforms: MAC },
  { product: D, component: "Sync", title: "Changing the drive letter of an external disk triggers a full re-upload", body: `My sync folder is on an external disk. Windows assigned it E: instead of D: after I plugged in another stick. Harbor thought all files were new and started uploading 400 GB.`, platforms: WIN },
  { product: D, component: "Sync", title: "Sync gets stuck on a file that was deleted during upload", body: `If a file is deleted while it is being uploaded, the uploader keeps retrying "file not found" forever and the queue behind it never moves.

harbord.sync.uploader: FileNotFoundError: [Errno 2] No such file or directory: '/home/k/Harbor/tmp/render_0042.png' (attempt 311)` },
  { product: D, component: "Sync", title: "Excel autosave creates a new server version every few seconds", body: `With AutoSave on in Excel, every keystroke pause creates a new version on the server. A workbook I edited for an hour has 900 versions. Versions within a short window could be coalesced.` },
  { product: D, component: "Sync", title: "Syncing stops when a file name contains a colon created on Linux", body: `A Linux user created "Meeting 10:30.txt". Windows clients can't create that name and stop syncing the whole folder with "invalid argument". Should be skipped with a clear message (or mapped to a safe character).` },
  { product: D, component: "Sync", title: "Deleting many files at once asks for confirmation only on some platforms", body: `On Windows, deleting more than 100 files locally triggers the "Do you really want to delete these files on the server?" dialog. On macOS the same operation goes through without asking.` },
  { product: D, component: "Sync", title: "Downloads fail for files with names longer than 255 bytes in UTF-8", body: `A file name with 120 Japanese characters is fine on the server and on Windows (UTF-16 counting), but on Linux/ext4 the name exceeds 255 bytes and the download fails with ENAMETOOLONG, blocking the folder.` , platforms: LINUX },
  { product: D, component: "Auth", title: "SSO login fails for Azure AD users in more than 200 groups", body: `For users with a very large number of group memberships Azure AD puts a groups overage claim in the token instead of the group list. The desktop client shows "Sign-in failed: missing claim groups" while other users sign in fine.` },
  { product: D, component: "Auth", title: "Client does not pick up a new server certificate after renewal", body: `After renewing our server's TLS certificate (same CA), desktop clients with "trust this certificate" set show a certificate error until the user re-accepts. Pinning the leaf certificate makes every renewal painful.` },
  { product: D, component: "UI", title: "Context menu entry 'Copy public link' missing in Windows 11 compact menu", body: `In Windows 11, the Harbor entries only appear under "Show more options". Other sync clients integrate with the new context menu.`, platforms: ["Windows 11 23H2", "Windows 11 22H2"] },
  { product: D, component: "UI", title: "Status icon shows error badge for a warning about ignored files", body: `The tray icon turns red when a file is ignored by pattern, which makes users think sync is broken. Ignored files are not errors.` },
  { product: D, component: "UI", title: "Settings: 'Launch on startup' checkbox does nothing on Linux", body: `Ticking "Launch Harbor when I log in" doesn't create ~/.config/autostart/harbor.desktop.`, platforms: LINUX },
  { product: D, component: "UI", title: "Unhandled promise rejection when the server URL field is cleared", body: `In the account wizard, delete the server URL and press Next:

Uncaught (in promise) TypeError: Failed to construct 'URL': Invalid URL
    at validateServer (app://harbor/renderer/wizard.js:88:19)
    at HTMLButtonElement.onNext (app://harbor/renderer/wizard.js:203:11)

The wizard freezes on the spinner instead of showing a validation error.` },
  { product: D, component: "Installer", title: "macOS installer package fails on machines with FileVault and a non-admin user", body: `The .pkg asks for admin credentials and then fails with "The installation failed" for standard users, even when an admin enters the password. Installing from the .dmg works.`, platforms: MAC },
  { product: D, component: "Installer", title: "RPM package does not register the harbor:// URL handler", body: `Clicking "Open in desktop client" in the web UI does nothing on Fedora. The .desktop file is missing MimeType=x-scheme-handler/harbor.`, platforms: ["Fedora 39"] },
  { product: D, component: "Notifications", title: "Notification sound plays even when Do Not Disturb is on", body: `On Windows with Focus Assist enabled, Harbor notifications are hidden but the sound still plays.`, platforms: WIN },
  { product: D, component: "Networking", title: "Client opens hundreds of connections after a server restart", body: `When our server restarts, each desktop client opens up to 200 new TCP connections within seconds while retrying queued requests. With 2,000 clients that's a thundering herd that delays the server's recovery. Retries should be jittered and connections pooled.` },
  { product: D, component: "Networking", title: "HTTP/2 connection reset on large folder listings behind AWS ALB", body: `With HTTP/2 enabled the client intermittently fails folder listings with "stream reset: PROTOCOL_ERROR" behind an AWS Application Load Balancer. Forcing HTTP/1.1 in the config fixes it.` },
  { product: D, component: "Storage", title: "Sync journal vacuum runs during working hours and freezes the client", body: `Once a week the client freezes for several minutes. The log shows "journal maintenance: VACUUM" at the start. The journal is 3 GB for our big share.` },
  { product: D, component: "Storage", title: "Files-on-demand: 'Always keep on this device' not inherited by new files", body: `I set "Always keep on this device" on a folder. New files that colleagues add to it stay online-only on my PC.`, platforms: WIN },
  { product: D, component: "Selective Sync", title: "Excluding a folder while it is downloading leaves partial files behind", body: `If I untick a folder in the folder chooser while it's still downloading, the files downloaded so far stay on disk as orphaned copies (and a few .harbor-part files remain).` },
  { product: D, component: "Updater", version: "3.8.0", title: "Release notes link in the update dialog opens a 404 page", body: `The "What's new" link in the update prompt for 3.8.0 goes to a page that doesn't exist.` },

  // More Harbor Server
  { product: S, component: "API", version: "2.0", title: "File listing API omits the checksum field for files uploaded before 1.8", body: `Files uploaded with older versions have "checksum": null in the API response. Clients then fall back to downloading the file to compare. A background job could backfill checksums.` },
  { product: S, component: "API", title: "CORS preflight fails for the upload endpoint", body: `Our internal web app calls the Harbor API from another origin. GET works, but the OPTIONS preflight for POST /api/v2/uploads returns 405, so uploads from the browser fail.` },
  { product: S, component: "API", title: "Bulk delete endpoint returns 200 when some items failed", body: `DELETE /api/v2/files with a list of 50 ids returns 200 even if 3 could not be deleted (locked). The response body lists them, but clients checking only the status think everything worked. 207 Multi-Status would be clearer.` },
  { product: S, component: "API", title: "Timestamps in API responses lack a time zone", body: `"modifiedAt": "2023-10-02T14:11:09" - no offset, no Z. Clients have to guess that it's server local time.` },
  { product: S, component: "API", title: "Server rejects uploads with Content-Length above 2 GB when proxied through Apache", body: `Behind Apache httpd with mod_proxy, single-request uploads above 2 GB fail with 413 even though LimitRequestBody is 0. Chunked uploads work. Mostly a documentation issue for the Apache example config.` },
  { product: S, component: "Auth", title: "Login page reveals whether an account exists", body: `The login form answers "unknown user" for non-existent accounts and "wrong password" otherwise, which lets anyone enumerate accounts. Use a single generic message.` },
  { product: S, component: "Auth", title: "OAuth consent screen shown again for every new desktop client install", body: `Each time a user installs the desktop client on a new machine, they must approve the same "Harbor Desktop wants to access your files" screen. For first-party clients this should be skipped.` },
  { product: S, component: "Auth", title: "SAML metadata endpoint returns an expired signing certificate", body: `/saml/metadata still contains the certificate that expired last month although a new one was uploaded in the admin console. The IdP refuses to refresh its configuration.` },
  { product: S, component: "Storage", title: "Storage usage double counted for files shared into a group folder", body: `Moving a 10 GB file from my home folder into a group folder counts against both my quota and the group's quota until the next nightly recount.` },
  { product: S, component: "Storage", title: "Restore from trash fails when the original folder was renamed", body: `Deleted file from "Projects/2023", later renamed the folder to "Projects/Archive-2023". Restoring the file from trash fails with "original location not found" instead of restoring into the renamed folder.` },
  { product: S, component: "Storage", title: "MinIO backend: uploads fail with SignatureDoesNotMatch when bucket name contains dots", body: `With bucket "harbor.files.internal" and path-style access disabled, every upload fails:

software.amazon.awssdk.services.s3.model.S3Exception: The request signature we calculated does not match the signature you provided. (Service: S3, Status Code: 403)
	at io.harbor.server.storage.s3.S3Store.put(S3Store.java:155)` },
  { product: S, component: "Sharing", title: "Public link download counter counts preview views", body: `The "downloaded 57 times" counter on a share link goes up when people only look at the preview in the browser. We use the counter to know if customers got the documents.` },
  { product: S, component: "Sharing", title: "Share link expiry cannot be removed once set", body: `After setting an expiry date on a public link, there's no way to make it permanent again. Clearing the date field and saving keeps the old date.` },
  { product: S, component: "Sharing", title: "Shares with an external email address are created twice when the dialog is submitted quickly", body: `Double-clicking "Share" in the dialog creates two identical shares and sends two invitation emails. The button isn't disabled while the request runs.` },
  { product: S, component: "Admin Console", title: "Audit log does not record admin impersonation", body: `When an admin uses "Log in as user" for support, the actions taken are logged as the user, with no trace of the impersonation. For compliance we need to know.` },
  { product: S, component: "Admin Console", title: "Settings page crashes with 'Cannot read properties of null' when SMTP is not configured", body: `Open Admin > Settings > Email on a fresh install:

TypeError: Cannot read properties of null (reading 'host')
    at SmtpSettings.render (admin-console.4f1c2a.js:1:88213)

The page stays blank.` },
  { product: S, component: "Database", title: "Connection leak when a WebDAV request is aborted by the client", body: `Each aborted WebDAV PUT leaves one connection checked out of the pool (visible in the pool metrics as active connections that never return). After a few days of heavy Windows Explorer use the pool runs dry. The abort path skips the finally block that closes the transaction.` },
  { product: S, component: "Database", version: "2.1.0", title: "Migration V2_1_0 takes hours on large installations", body: `The migration that adds a column with a default value rewrites the whole files table on PostgreSQL 10. On 80M rows this took 5 hours of downtime. Adding the column nullable and backfilling in batches would avoid it.` },
  { product: S, component: "Search", title: "Search highlights wrong words for queries with umlauts", body: `Searching "Übersicht" highlights "bersicht" in results, off by one character. Looks like byte offsets are used as character offsets.` },
  { product: S, component: "Search", title: "Search index grows after deleting files", body: `Deleted files are removed from search results but the index on disk keeps growing; segments are never merged/expunged.` },
  { product: S, component: "Notifications", title: "Digest email is sent even when there was no activity", body: `Users get an empty "Your daily Harbor summary" with "No changes today". Skip the mail when there's nothing to report.` },
  { product: S, component: "Notifications", title: "Email notifications fail with STARTTLS on port 587 and Office 365", body: `javax.mail.MessagingException: Could not convert socket to TLS;
  nested exception is: javax.net.ssl.SSLHandshakeException: No appropriate protocol (protocol is disabled or cipher suites are inappropriate)
	at io.harbor.server.mail.SmtpSender.send(SmtpSender.java:73)

The mail client only enables TLSv1 and TLSv1.1.` },

  // More Harbor Mobile
  { product: M, component: "Camera Upload", title: "Screenshots uploaded although 'Photos only' is selected", body: `Camera upload is set to photos only, but every screenshot I take lands in "Camera Uploads" too.`, platforms: IOS },
  { product: M, component: "Camera Upload", title: "Camera upload pauses permanently after the server quota was full once", body: `My quota was full for a day. I freed up space, but camera upload still shows "Paused: quota exceeded" and doesn't continue until I toggle it off and on.` },
  { product: M, component: "Camera Upload", title: "Burst photos: only the key photo is uploaded", body: `Taking a burst of 20 photos results in just one photo on the server.`, platforms: IOS },
  { product: M, component: "Camera Upload", title: "Upload fails for photos with GPS data when 'remove location' is enabled", body: `With "Remove location from photos" switched on, HEIC photos that contain GPS data fail to upload with "Could not process image". JPEGs work.` },
  { product: M, component: "Auth", title: "Login screen does not offer SSO for servers that only allow SSO", body: `Our server has password login disabled, but the mobile app still shows the username and password fields. The "Sign in with SSO" button only appears after a failed password attempt.` },
  { product: M, component: "Auth", title: "App crashes when the saved account's server was removed from DNS", body: `We moved our server to a new domain. On launch the app crashes before I can edit the account:

java.net.UnknownHostException: Unable to resolve host "files.old-domain.example": No address associated with hostname
	at io.harbor.mobile.account.AccountRepository.refreshCapabilities(AccountRepository.kt:77)
	at io.harbor.mobile.MainActivity.onCreate(MainActivity.kt:49)`, platforms: ANDROID },
  { product: M, component: "UI", title: "Share sheet shows Harbor twice on iOS", body: `In the iOS share sheet there are two Harbor entries. One works, the other shows an empty screen.`, platforms: IOS },
  { product: M, component: "UI", title: "Thumbnails in grid view are low resolution on tablets", body: `In grid view on my tablet the thumbnails look pixelated. The app seems to request the same small thumbnail size as on phones.` },
  { product: M, component: "UI", title: "Back gesture closes the app instead of going up one folder", body: `On Android 13 with gesture navigation, swiping back inside a subfolder exits the app instead of going to the parent folder.`, platforms: ["Android 13 (Pixel 7)", "Android 14 (Pixel 8)"] },
  { product: M, component: "UI", title: "Text editor loses the cursor position after autosave", body: `Editing a long .txt file in the built-in editor, the cursor jumps to the start of the document every time the file autosaves.` },
  { product: M, component: "Offline Files", title: "Opening an offline file from another app shows an outdated copy", body: `The Files app (iOS) shows my offline copy, but it's from last week; the Harbor app itself shows the current version. The file provider extension isn't told about updates.`, platforms: IOS },
  { product: M, component: "Notifications", title: "Tapping a share notification opens the app's start page", body: `When someone shares a folder with me and I tap the notification, the app opens its home screen instead of the shared folder.` },
  { product: M, component: "Networking", title: "App doesn't retry failed uploads after the phone reconnects", body: `Uploads that failed while I was in a tunnel stay in the "Failed" list until I tap "Retry all". They should be retried automatically once the network is back.` },
  { product: M, component: "Networking", title: "Large downloads fail on iOS when the screen locks", body: `Downloading a 2 GB video and locking the phone: when I unlock it the download has failed. Background URLSession isn't used for downloads.`, platforms: IOS },
  { product: M, component: "Sync", title: "Files uploaded from the phone get a lowercase extension", body: `"IMG_2204.JPG" from my camera app becomes "IMG_2204.jpg" on the server, which breaks some of our scripts that match on the original name.` },
  { product: M, component: "Sync", title: "Folder shared with me shows 'Empty' until I open it twice", body: `Opening a freshly shared folder shows "This folder is empty". Going back and opening it again shows all the files.` },
];

// ---------------------------------------------------------------------------------------------
// Assembly
// ---------------------------------------------------------------------------------------------

const REPORTERS = [
  "anna.keller", "b.okafor", "chen.wei", "dmitri.v", "elena.ruiz", "f.haddad", "greta.lind", "hiro.t",
  "ines.moreau", "jonas.berg", "kavya.n", "liam.oconnor", "maria.santos", "nils.eriksen", "olu.adeyemi",
  "paula.costa", "quentin.r", "rosa.martins", "sam.patel", "tomasz.w", "uma.iyer", "victor.almeida",
  "wen.zhao", "xavier.dupont", "yara.haddad", "zoe.fischer", "support-desk", "qa-automation", "it-helpdesk",
  "m.novak", "r.schmidt", "k.yamamoto", "a.johansson", "l.petrov", "d.mensah", "c.baker",
];

// Corpus spans three years.
const START = Date.UTC(2022, 2, 1);
const END = Date.UTC(2025, 1, 28);
const DAY = 86_400_000;

const VERSIONS: Record<Product, string[]> = {
  [D]: ["3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9"],
  [S]: ["1.4", "1.5", "1.6", "1.7", "1.8", "1.9", "2.0", "2.1", "2.2"],
  [M]: ["4.0", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "5.0", "5.1", "5.2", "5.3", "5.4"],
};

/** Time window in which `version` (its minor release) was current. */
function windowOf(product: Product, version: string): [number, number] {
  const list = VERSIONS[product];
  const i = list.indexOf(version.split(".").slice(0, 2).join("."));
  if (i < 0) throw new Error(`${product} has no release ${version}`);
  const step = (END - START) / list.length;
  return [START + i * step, START + (i + 1) * step];
}

/** The version current at `t`, sometimes one release behind (people update late). */
function versionAt(product: Product, t: number, r: () => number, pinned?: string): string {
  if (pinned) return pinned.split(".").length === 3 ? pinned : `${pinned}.${Math.floor(r() * 4)}`;
  const list = VERSIONS[product];
  const frac = (t - START) / (END - START);
  let i = Math.min(list.length - 1, Math.floor(frac * list.length));
  if (i > 0 && r() < 0.25) i--;
  const patch = Math.floor(r() * 4);
  return `${list[i]}.${patch}`;
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

const FOOTERS: ((p: Product, v: string, os: string) => string)[] = [
  (p, v, os) => `Version: ${v}\nOS: ${os}`,
  (p, v, os) => `${p} ${v} on ${os}`,
  (_p, v, os) => `Environment: ${os}, client ${v}`,
  (_p, v, os) => `(${os} / Harbor ${v})`,
  (p, v, os) => `---\nProduct: ${p}\nVersion: ${v}\nPlatform: ${os}`,
];

interface Draft {
  version?: string;
  group?: string;
  member?: number;
  product: Product;
  component: string;
  title: string;
  body: string;
  platform: string;
  t: number;
  noFooter?: boolean;
}

export interface DemoReport {
  source: "demo";
  externalId: string;
  url: string;
  title: string;
  description: string;
  product: string;
  component: string;
  version: string;
  platform: string;
  status: string;
  resolution?: string;
  reporter: string;
  createdAt: string;
  updatedAt: string;
  duplicate_of?: string[];
}

export interface PlantedDraft {
  title: string;
  description: string;
  product: string;
  component: string;
  /** externalId of the report this draft duplicates (the group's master, earliest report). */
  duplicateOf: string;
  /** All reports of that group (master first); any of them is a correct match. */
  group: string[];
}

export function buildCorpus(seed = 20220301): { reports: DemoReport[]; planted: PlantedDraft[] } {
  const r = rng(seed);
  const drafts: Draft[] = [];
  const span = END - START;

  for (const g of GROUPS) {
    if (g.variants.length < 2 || g.variants.length > 4) throw new Error(`group ${g.key}: needs 2-4 variants`);
    // Master somewhere in the first ~85% of the span (or early in its release's window),
    // duplicates 1-150 days later.
    const [lo, hi] = g.version ? windowOf(g.product, g.version) : [START, START + span * 0.85];
    let t = lo + Math.floor(r() * (hi - lo) * (g.version ? 0.6 : 1));
    const platforms = g.platforms ?? PLATFORMS[g.product];
    g.variants.forEach((v, i) => {
      if (i > 0) t = Math.min(END - DAY, t + DAY + Math.floor(r() * 150 * DAY * (i === 1 ? 0.6 : 1)));
      drafts.push({
        group: g.key, member: i, product: g.product, component: g.component, version: g.version,
        title: v.title, body: v.body.replaceAll("{{trace}}", g.trace ?? ""),
        platform: v.platform ?? pick(r, platforms), t: t + Math.floor(r() * DAY), noFooter: v.noFooter,
      });
    });
  }
  for (const s of SINGLES) {
    const [lo, hi] = s.version ? windowOf(s.product, s.version) : [START, END];
    drafts.push({
      product: s.product, component: s.component, title: s.title, body: s.body, version: s.version,
      platform: pick(r, s.platforms ?? PLATFORMS[s.product]), t: lo + Math.floor(r() * (hi - lo)),
    });
  }

  // Ids follow creation order, like a real tracker; ties broken by title for stability.
  drafts.sort((a, b) => a.t - b.t || a.title.localeCompare(b.title));
  const idOf = new Map<Draft, string>();
  drafts.forEach((d, i) => idOf.set(d, `HBR-${1001 + i}`));
  const masterOf = new Map<string, string>();
  for (const d of drafts) if (d.group && d.member === 0) masterOf.set(d.group, idOf.get(d)!);
  // The earliest report of each group must be its master (variants are dated in order).
  const num = (id: string) => Number(id.slice("HBR-".length));
  for (const d of drafts) {
    if (d.group && d.member! > 0 && num(idOf.get(d)!) <= num(masterOf.get(d.group)!)) {
      throw new Error(`group ${d.group}: duplicate dated before its master`);
    }
  }

  const reports: DemoReport[] = drafts.map((d) => {
    const id = idOf.get(d)!;
    const version = versionAt(d.product, d.t, r, d.version);
    const ageDays = (END - d.t) / DAY;
    let status: string;
    let resolution: string | undefined;
    let updated = d.t;
    if (d.group && d.member! > 0) {
      status = r() < 0.85 ? "RESOLVED" : "CLOSED";
      resolution = "DUPLICATE";
      updated += Math.floor((0.2 + r() * 6) * DAY);
    } else {
      // Older reports are more likely to be done.
      const pDone = Math.min(0.9, 0.15 + ageDays / 900);
      if (r() < pDone) {
        const y = r();
        resolution = y < 0.72 ? "FIXED" : y < 0.84 ? "WONTFIX" : y < 0.94 ? "WORKSFORME" : "INVALID";
        // QA only verifies fixes.
        const x = r();
        status = x < 0.55 ? "RESOLVED" : x < 0.8 && resolution === "FIXED" ? "VERIFIED" : x < 0.8 ? "RESOLVED" : "CLOSED";
        updated += Math.floor((2 + r() * 120) * DAY);
      } else {
        const x = r();
        status = x < 0.45 ? "NEW" : x < 0.8 ? "CONFIRMED" : "IN_PROGRESS";
        updated += Math.floor(r() * 30 * DAY);
      }
    }
    updated = Math.min(updated, END + 10 * DAY);
    let description = d.body.replaceAll("{{version}}", version).replaceAll("{{platform}}", d.platform).trim();
    // Environment footer on about half of the user-written reports, in one of several styles.
    if (!d.noFooter && r() < 0.5) description += `\n\n${pick(r, FOOTERS)(d.product, version, d.platform)}`;
    const rep: DemoReport = {
      source: "demo",
      externalId: id,
      url: `https://bugs.harbor.example/${id}`,
      title: d.title,
      description,
      product: d.product,
      component: d.component,
      version,
      platform: d.platform,
      status,
      ...(resolution ? { resolution } : {}),
      reporter: d.noFooter && r() < 0.5 ? pick(r, ["dev.lena", "dev.marco", "dev.priya", "dev.oskar"]) : pick(r, REPORTERS),
      createdAt: new Date(d.t).toISOString(),
      updatedAt: new Date(updated).toISOString(),
    };
    if (d.group && d.member! > 0) rep.duplicate_of = [masterOf.get(d.group)!];
    return rep;
  });

  const planted: PlantedDraft[] = GROUPS.filter((g) => g.planted).map((g) => {
    const ids = drafts.filter((d) => d.group === g.key).sort((a, b) => a.member! - b.member!).map((d) => idOf.get(d)!);
    return {
      title: g.planted!.title,
      description: g.planted!.body,
      product: g.product,
      component: g.component,
      duplicateOf: masterOf.get(g.key)!,
      group: ids,
    };
  });
  return { reports, planted };
}

export const GROUP_COUNT = GROUPS.length;

function main(argv: string[]) {
  let out = "data/demo";
  let seed = 20220301;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") out = argv[++i] ?? "";
    else if (a === "--seed") seed = Number(argv[++i]);
    else throw new Error(`unknown argument "${a}" (usage: make-demo-corpus.ts [--out dir] [--seed n])`);
  }
  if (!out) throw new Error("--out needs a directory");
  if (!Number.isInteger(seed)) throw new Error("--seed needs an integer");
  const { reports, planted } = buildCorpus(seed);
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, "reports.jsonl"), reports.map((x) => JSON.stringify(x)).join("\n") + "\n");
  writeFileSync(path.join(out, "planted.json"), JSON.stringify(planted, null, 2) + "\n");
  const dups = reports.filter((x) => x.duplicate_of).length;
  console.log(
    `wrote ${reports.length} reports (${GROUPS.length} duplicate groups, ${dups} duplicates, ${SINGLES.length} singletons) ` +
      `and ${planted.length} planted drafts to ${out}/`,
  );
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("make-demo-corpus.ts")) {
  main(process.argv.slice(2));
}
