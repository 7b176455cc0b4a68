/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Service worker registrations last across runs of the shell on one
//! profile (`--profile DIR`): a registration is stored when its worker
//! activates, before any page learns so, and restored at start-up
//! (<https://w3c.github.io/ServiceWorker/#user-agent-shutdown>).
//!
//! - A foreign worker installed in one run answers in the next from its
//!   Cache, through a script it imported, with the service's server
//!   stopped; on another profile the same request fails.
//! - A shell killed with SIGKILL while registrations and cache entries are
//!   being written restarts with every registration whose activation a page
//!   saw, and with databases that SQLite finds intact.
//! - A shell killed while one scope's worker is replaced again and again
//!   restarts with that scope's registration whole: the last replacement a
//!   page saw activated (or the next one), never an older one, and its
//!   worker answers as that script.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[path = "../support/mod.rs"]
mod support;

use support::{ACTIVATE_JS, Profile, Resource, Server, hosts_file, run_shell, serve, shell_binary};

/// Origin A, first run: embeds B's frame, which registers B's worker; once
/// it is activated, fetches B's data (answered by B's worker).
const FIRST: &str = r#"<!doctype html>
<script>
const b = `http://localhost:${new URLSearchParams(location.search).get("b")}`;
addEventListener("message", async event => {
  if (event.origin !== b) return;
  console.log(`frame: ${event.data}`);
  if (event.data === "activated") {
    const response = await fetch(`${b}/data/item.txt`);
    console.log(`item ${response.status} ${response.type} ${await response.text()}`);
  }
  console.log("servo-ff:done");
});
const frame = document.createElement("iframe");
frame.src = `${b}/frame.html`;
document.documentElement.append(frame);
</script>"#;

/// Origin A, later runs: B's server is stopped. Its data in B's foreign
/// fetch scope comes from B's worker; anything else of B fails.
const SECOND: &str = r#"<!doctype html>
<script>
const b = `http://localhost:${new URLSearchParams(location.search).get("b")}`;
async function show(name, url) {
  try {
    const response = await fetch(url);
    console.log(`${name} ${response.status} ${response.type} ${await response.text()}`);
  } catch (e) {
    console.log(`${name} failed: ${e.name}`);
  }
}
(async () => {
  await show("outside", `${b}/outside.txt`);
  await show("item", `${b}/data/item.txt`);
  console.log("servo-ff:done");
})();
</script>"#;

/// Origin B: registers its worker and tells the parent once activated.
const FRAME: &str = r#"<!doctype html>
<script src="/activate.js"></script>
<script>
registerAndActivate("/sw.js").then(() => parent.postMessage("activated", "*"),
                                   e => parent.postMessage(`failed: ${e}`, "*"));
</script>"#;

/// B's worker: imports a script, caches its data at install, answers from
/// the cache (through the imported script).
const WORKER: &str = r#"
importScripts("/lib.js");
self.addEventListener("install", event => {
  event.registerForeignFetch({scopes: [new URL("data/", self.registration.scope).href], origins: ["*"]});
  event.waitUntil(caches.open("kept").then(cache => cache.add("/data/item.txt")));
});
self.addEventListener("foreignfetch", event => {
  event.respondWith(caches.match(event.request).then(async cached => ({
    response: new Response(cached ? label(await cached.text()) : "not in the cache"),
    origin: event.origin,
  })));
});
"#;

const LIB: &str = r#"self.label = text => `${text} (via lib)`;"#;

#[test]
fn a_foreign_worker_installed_in_one_run_answers_in_the_next_without_the_network() {
    let mut b = Server::start(HashMap::from([
        ("/frame.html", Resource::new("text/html", FRAME)),
        (
            "/activate.js",
            Resource::new("application/javascript", ACTIVATE_JS),
        ),
        ("/sw.js", Resource::new("application/javascript", WORKER)),
        ("/lib.js", Resource::new("application/javascript", LIB)),
        (
            "/data/item.txt",
            Resource::new("text/plain", "the service's item"),
        ),
        (
            "/outside.txt",
            Resource::new("text/plain", "outside").header("Access-Control-Allow-Origin", "*"),
        ),
    ]));
    let a = serve(HashMap::from([
        ("/first.html", Resource::new("text/html", FIRST)),
        ("/second.html", Resource::new("text/html", SECOND)),
    ]));
    let profile = Profile::new("registrations");
    let other = Profile::new("registrations-other");
    let b_port = b.port;

    // The first run installs B's worker, which caches the item; the worker
    // answers the page from its cache.
    let first = run_shell(
        &format!("http://127.0.0.1:{a}/first.html?b={b_port}"),
        &["--profile", &profile.arg()],
        &[],
    );
    assert_eq!(first.status, Some(0), "first run\n{first}");
    first.assert_stdout_line("[page] log frame: activated");
    first.assert_stdout_line("[page] log item 200 cors the service's item (via lib)");

    // The service is gone: nothing answers on its port.
    b.stop();

    // A new process on the same profile: the registration was restored at
    // start-up, its worker runs again with its stored script and the script
    // it imported, and answers from its cache. Outside the foreign fetch scope, the network fails,
    // so the answer cannot have come from anywhere else.
    let second = run_shell(
        &format!("http://127.0.0.1:{a}/second.html?b={b_port}"),
        &["--profile", &profile.arg(), "--show-registrations=json"],
        &[("RUST_LOG", "foreign_fetch=debug")],
    );
    assert_eq!(second.status, Some(0), "second run\n{second}");
    second.assert_stdout_line("[page] log outside failed: TypeError");
    second.assert_stdout_line("[page] log item 200 cors the service's item (via lib)");
    let scope = format!("http://localhost:{b_port}/");
    assert!(
        second
            .stdout
            .contains(&format!(r#""scope":"{scope}","script_url":"{scope}sw.js""#)),
        "the restored registration is not listed\n{second}"
    );
    assert!(
        second.stderr_contains(&format!(
            "http fetch step 3.2: {scope}data/item.txt: the worker answered"
        )),
        "the item was not answered by the worker\n{second}"
    );

    // On another profile there is no worker: the same request fails.
    let elsewhere = run_shell(
        &format!("http://127.0.0.1:{a}/second.html?b={b_port}"),
        &["--profile", &other.arg()],
        &[],
    );
    assert_eq!(elsewhere.status, Some(0), "other profile\n{elsewhere}");
    elsewhere.assert_stdout_line("[page] log item failed: TypeError");
}

/// Registers `count` workers one after the other (scopes `/s/0/`, `/s/1/`,
/// ...), each filling a cache at install; logs `activated N` once worker N
/// is activated. Meanwhile it keeps putting entries in a cache of its own.
const REGISTER_MANY: &str = r#"<!doctype html>
<script src="/activate.js"></script>
<script>
(async () => {
  const cache = await caches.open("page");
  let n = 0;
  (async () => {
    for (;;) {
      await cache.put(`/entry/${n}`, new Response(`entry ${n}`));
      n++;
    }
  })();
  for (let i = 0; i < 200; i++) {
    await registerAndActivate("/many-sw.js", {scope: `/s/${i}/`});
    console.log(`activated ${i}`);
  }
})().catch(e => console.log(`failed: ${e}`));
</script>"#;

const MANY_WORKER: &str = r#"
self.addEventListener("install", event => {
  event.waitUntil((async () => {
    const cache = await caches.open(`worker ${self.registration.scope}`);
    for (let i = 0; i < 5; i++) {
      await cache.put(`/w/${i}`, new Response("x".repeat(1000 * i)));
    }
  })());
});
"#;

/// After the kill: the stored caches still read back.
const CHECK: &str = r#"<!doctype html>
<script>
(async () => {
  const cache = await caches.open("page");
  const keys = await cache.keys();
  let bad = 0;
  for (const request of keys) {
    const response = await cache.match(request);
    const n = new URL(request.url).pathname.split("/").pop();
    if (!response || await response.text() !== `entry ${n}`) bad++;
  }
  console.log(`page cache ${keys.length > 0 ? "has entries" : "is empty"}, ${bad} bad`);
  console.log("servo-ff:done");
})().catch(e => { console.log(`failed: ${e}`); console.log("servo-ff:done"); });
</script>"#;

#[test]
fn a_kill_while_writing_loses_no_activated_registration() {
    let port = serve(HashMap::from([
        ("/many.html", Resource::new("text/html", REGISTER_MANY)),
        (
            "/activate.js",
            Resource::new("application/javascript", ACTIVATE_JS),
        ),
        ("/check.html", Resource::new("text/html", CHECK)),
        (
            "/many-sw.js",
            Resource::new("application/javascript", MANY_WORKER),
        ),
    ]));
    let profile = Profile::new("kill");

    // Three kills at different moments, each after the restart of the one
    // before: every registration seen activated by then must be there.
    let mut seen = BTreeSet::new();
    for kill_after in [3, 8, 14] {
        let activated = run_and_kill(
            &format!("http://127.0.0.1:{port}/many.html"),
            &profile.arg(),
            kill_after,
        );
        assert!(
            activated.len() >= kill_after,
            "only {activated:?} activated before the kill"
        );
        eprintln!("killed after workers {activated:?} were activated");
        seen.extend(activated);

        let check = run_shell(
            &format!("http://127.0.0.1:{port}/check.html"),
            &["--profile", &profile.arg(), "--show-registrations=json"],
            &[],
        );
        assert_eq!(check.status, Some(0), "run after the kill\n{check}");
        check.assert_stdout_line("[page] log page cache has entries, 0 bad");
        let restored = check.stdout.matches(r#""slot":"active""#).count();
        eprintln!("restored {restored} registrations");
        for i in &seen {
            let scope = format!(r#""scope":"http://127.0.0.1:{port}/s/{i}/""#);
            assert!(
                check.stdout.contains(&scope),
                "registration {i} was activated before a kill and is gone\n{check}"
            );
        }
        for database in sqlite_files(&profile.0) {
            let connection = rusqlite::Connection::open(&database).expect("open a database");
            let result: String = connection
                .query_row("PRAGMA integrity_check", [], |row| row.get(0))
                .expect("integrity check");
            assert_eq!(result, "ok", "{}", database.display());
        }
    }
}

/// Origin B: replaces the worker of one scope again and again, cycling
/// through three scripts; logs `activated N` after replacement N (script
/// `flip-{N % 3}.js`) is activated.
const FLIP: &str = r#"<!doctype html>
<script src="/activate.js"></script>
<script>
(async () => {
  for (let i = 0; i < 500; i++) {
    await registerAndActivate(`/flip-${i % 3}.js`, {scope: "/flip/"});
    console.log(`activated ${i}`);
  }
})().catch(e => console.log(`failed: ${e}`));
</script>"#;

/// A version of the flipping worker: answers foreign fetches with its name.
fn flip_worker(version: u8) -> String {
    format!(
        r#"
self.addEventListener("install", event => {{
  event.registerForeignFetch({{scopes: [self.registration.scope], origins: ["*"]}});
}});
self.addEventListener("foreignfetch", event => {{
  event.respondWith({{response: new Response("flip-{version}"), origin: event.origin}});
}});
"#
    )
}

/// Origin A: asks B's flipping worker.
const ASK_FLIP: &str = r#"<!doctype html>
<script>
(async () => {
  const b = `http://localhost:${location.port}`;
  try {
    const response = await fetch(`${b}/flip/item`);
    console.log(`answer ${await response.text()}`);
  } catch (e) {
    console.log(`answer failed: ${e.name}`);
  }
  console.log("servo-ff:done");
})();
</script>"#;

#[test]
fn a_kill_while_a_registration_is_replaced_leaves_the_old_or_the_new_one() {
    let port = serve(HashMap::from([
        ("/flip.html", Resource::new("text/html", FLIP)),
        (
            "/activate.js",
            Resource::new("application/javascript", ACTIVATE_JS),
        ),
        (
            "/flip-0.js",
            Resource::new("application/javascript", flip_worker(0)),
        ),
        (
            "/flip-1.js",
            Resource::new("application/javascript", flip_worker(1)),
        ),
        (
            "/flip-2.js",
            Resource::new("application/javascript", flip_worker(2)),
        ),
        // The network's answer, which the worker must hide.
        (
            "/flip/item",
            Resource::new("text/plain", "network").header("Access-Control-Allow-Origin", "*"),
        ),
        ("/ask.html", Resource::new("text/html", ASK_FLIP)),
    ]));
    let profile = Profile::new("flip");
    for kill_after in [2, 5, 9] {
        let activated = run_and_kill(
            &format!("http://localhost:{port}/flip.html"),
            &profile.arg(),
            kill_after,
        );
        assert!(
            activated.len() >= kill_after,
            "only {activated:?} activated before the kill"
        );
        let last = *activated.last().expect("a replacement activated");
        eprintln!("killed after replacement {last} was activated");

        // After the restart, the scope's registration is whole: its worker
        // is one of the two scripts, runs, and answers as that script.
        let ask = run_shell(
            &format!("http://127.0.0.1:{port}/ask.html"),
            &["--profile", &profile.arg(), "--show-registrations=json"],
            &[],
        );
        assert_eq!(ask.status, Some(0), "run after the kill\n{ask}");
        let scope = format!("http://localhost:{port}/flip/");
        let listed = |version: usize| {
            ask.stdout.contains(&format!(
                r#""scope":"{scope}","script_url":"http://localhost:{port}/flip-{version}.js""#
            ))
        };
        let versions: Vec<usize> = (0..3).filter(|version| listed(*version)).collect();
        let [version] = versions[..] else {
            panic!("not exactly one registration for {scope}\n{ask}");
        };
        ask.assert_stdout_line(&format!("[page] log answer flip-{version}"));
        // The last replacement a page saw activated, or the next one if its
        // write committed before the kill: never an older one.
        assert!(
            version == last % 3 || version == (last + 1) % 3,
            "replacement {last} was seen activated, but flip-{version} came back\n{ask}"
        );
    }
}

/// Runs the shell on `url` with `profile` and kills it (SIGKILL) right
/// after the page logged `activated N` for the `kill_after`-th time, while
/// it goes on writing. Returns the N it logged.
fn run_and_kill(url: &str, profile: &str, kill_after: usize) -> BTreeSet<usize> {
    let mut child = Command::new(shell_binary())
        .args(["--timeout", "120", "--hosts-file"])
        .arg(hosts_file())
        .args(["--profile", profile, url])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run the servo-ff shell");
    let stdout = child.stdout.take().expect("the shell's stdout");
    let (lines, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut activated = BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(110);
    while activated.len() < kill_after {
        let left = deadline.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(left) {
            Ok(line) => {
                if let Some(n) = line.strip_prefix("[page] log activated ") {
                    activated.insert(n.parse().expect("a worker number"));
                }
                assert!(!line.starts_with("[page] log failed"), "{line}");
            },
            Err(_) => break,
        }
    }
    // Registrations and cache entries are being written right now; a
    // delay that differs from kill to kill lands the kill at other points
    // of those writes.
    std::thread::sleep(Duration::from_millis(3 * kill_after as u64));
    child.kill().expect("kill the shell");
    let _ = child.wait();
    activated
}

/// Every SQLite database under `directory`.
fn sqlite_files(directory: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![directory.to_path_buf()];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory)
            .into_iter()
            .flatten()
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|extension| extension == "sqlite")
            {
                found.push(path);
            }
        }
    }
    found
}
