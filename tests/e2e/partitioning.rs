/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Service workers partitioned by top-level site (Servo's
//! `dom_serviceworker_partitioned`; <https://privacycg.github.io/storage-partitioning/>).
//!
//! One shell run browses two top-level sites in turn, X
//! (`http://127.0.0.1`) then Y (`http://www.localhost`), then X again.
//! Each embeds service B (`http://localhost`), whose frame registers B's
//! foreign fetch worker. The worker draws a random token when it installs,
//! keeps it in its Cache, and keeps there each note a page asks it to; it
//! answers `data/state` with its token and notes.
//!
//! - Partitioned: under Y, before B's frame registers anything, nothing
//!   answers for B (X's worker does not serve Y); then Y gets a worker of
//!   its own (another token) and a cache of its own (without X's note), and
//!   back under X, X's worker has X's token and note and not Y's. B's frame
//!   (a page) has its caches partitioned the same way. The
//!   registrations list shows B's scope twice, once per top-level site. A
//!   second run on the same profile restores each partition's worker; a run
//!   unpartitioned on that profile restores neither.
//! - Unpartitioned: the same pages see one worker and one cache: Y is
//!   answered by X's worker from the start, and sees X's note; B's frame
//!   under Y sees the caches B opened under X.

use std::collections::HashMap;

#[path = "../support/mod.rs"]
mod support;

use support::{ACTIVATE_JS, Profile, Resource, ShellRun, run_shell, serve};

/// A top-level page (X or Y): asks B's worker for its state, registers B's
/// worker through B's frame if nothing answers, leaves a note, asks again,
/// then goes on to `next` (or ends).
const PAGE: &str = r#"<!doctype html>
<script>
const params = new URLSearchParams(location.search);
const b = `http://localhost:${params.get("b")}`;
const name = params.get("name");
async function state(label) {
  try {
    const response = await fetch(`${b}/data/state`);
    const text = await response.text();
    console.log(`${name} ${label}: ${text}`);
    return text;
  } catch (e) {
    console.log(`${name} ${label}: failed ${e.name}`);
    return null;
  }
}
function register() {
  return new Promise(resolve => {
    addEventListener("message", event => {
      if (event.origin === b) resolve(event.data);
    });
    const frame = document.createElement("iframe");
    frame.src = `${b}/frame.html`;
    document.documentElement.append(frame);
  });
}
(async () => {
  if (await state("before") === null || params.get("frame")) {
    console.log(`${name} frame: ${await register()}`);
  }
  if (params.get("note")) {
    await fetch(`${b}/data/note?${params.get("note")}`);
  }
  await state("after");
  const next = params.get("next");
  if (next) {
    location.href = next;
  } else {
    console.log("servo-ff:show-registrations");
    console.log("servo-ff:done");
  }
})();
</script>"#;

/// B's frame: lists its own caches and opens one, registers B's worker,
/// and tells the top-level page once it is activated, with the caches it
/// found.
const FRAME: &str = r#"<!doctype html>
<script src="/activate.js"></script>
<script>
(async () => {
  const before = await caches.keys();
  await caches.open("frame");
  await registerAndActivate("/sw.js");
  return `activated; caches before [${before.join(" ")}]`;
})().then(message => top.postMessage(message, "*"),
          e => top.postMessage(`failed: ${e}`, "*"));
</script>"#;

/// B's worker: its token and the pages' notes, in its Cache.
const WORKER: &str = r#"
self.addEventListener("install", event => {
  event.registerForeignFetch({scopes: [new URL("data/", self.registration.scope).href], origins: ["*"]});
  event.waitUntil(caches.open("state").then(cache =>
    cache.put("/token", new Response(String(Math.random()).slice(2, 10)))));
});
self.addEventListener("foreignfetch", event => {
  event.respondWith((async () => {
    const cache = await caches.open("state");
    const url = new URL(event.request.url);
    if (url.pathname.endsWith("/note")) {
      await cache.put(`/note/${url.search.slice(1)}`, new Response(""));
    }
    const token = await (await cache.match("/token")).text();
    const notes = (await cache.keys())
      .map(request => new URL(request.url).pathname)
      .filter(path => path.startsWith("/note/"))
      .map(path => path.slice("/note/".length))
      .sort();
    return {response: new Response(`token ${token} notes [${notes.join(" ")}]`), origin: event.origin};
  })());
});
"#;

struct Sites {
    x: u16,
    y: u16,
    b: u16,
}

fn sites() -> Sites {
    let page = || Resource::new("text/html", PAGE);
    let b = serve(HashMap::from([
        ("/frame.html", Resource::new("text/html", FRAME)),
        (
            "/activate.js",
            Resource::new("application/javascript", ACTIVATE_JS),
        ),
        ("/sw.js", Resource::new("application/javascript", WORKER)),
    ]));
    Sites {
        x: serve(HashMap::from([("/page.html", page())])),
        y: serve(HashMap::from([("/page.html", page())])),
        b,
    }
}

impl Sites {
    fn x(&self, query: &str) -> String {
        format!(
            "http://127.0.0.1:{}/page.html?b={}&name=X&{query}",
            self.x, self.b
        )
    }

    fn y(&self, query: &str) -> String {
        format!(
            "http://www.localhost:{}/page.html?b={}&name=Y&{query}",
            self.y, self.b
        )
    }

    /// X leaves note `x`, then Y leaves note `y`, then X looks again; B's
    /// frame is loaded under each (under X, first when nothing answers).
    fn tour(&self) -> String {
        let back = self.x("frame=1");
        let y = self.y(&format!("note=y&frame=1&next={}", encode(&back)));
        self.x(&format!("note=x&next={}", encode(&y)))
    }
}

/// `value` as a query string component.
fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The rest of the first stdout line that starts with `prefix`.
fn line_after<'a>(run: &'a ShellRun, prefix: &str) -> &'a str {
    run.stdout
        .lines()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line {prefix:?}\n{run}"))
}

/// The token in the line `{prefix}token T notes [...]`.
fn token(run: &ShellRun, prefix: &str) -> String {
    let line = line_after(run, prefix);
    line.strip_prefix("token ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no token in {line:?}\n{run}"))
        .to_owned()
}

/// The notes in the line `{prefix}token T notes [...]`.
fn notes(run: &ShellRun, prefix: &str) -> String {
    let line = line_after(run, prefix);
    line.split_once(" notes ")
        .map(|(_, notes)| notes.to_owned())
        .unwrap_or_else(|| panic!("no notes in {line:?}\n{run}"))
}

const PARTITIONED: &str = "dom_serviceworker_partitioned=true";

#[test]
fn partitioned_each_top_level_site_gets_its_own_worker_and_cache() {
    let sites = sites();
    let profile = Profile::new("partitioned");
    let run = run_shell(
        &sites.tour(),
        &["--pref", PARTITIONED, "--profile", &profile.arg()],
        &[],
    );
    assert_eq!(run.status, Some(0), "{run}");

    // Under X: no worker yet; X registers one, which answers with X's note.
    run.assert_stdout_line("[page] log X before: failed TypeError");
    run.assert_stdout_line("[page] log X frame: activated; caches before []");
    assert_eq!(notes(&run, "[page] log X after: "), "[x]");
    let x_token = token(&run, "[page] log X after: ");

    // Under Y: X's worker does not answer (B's server has no such
    // resource); Y's own worker has another token and only Y's note.
    // B's frame under Y does not see the caches B opened under X.
    run.assert_stdout_line("[page] log Y before: failed TypeError");
    run.assert_stdout_line("[page] log Y frame: activated; caches before []");
    assert_eq!(notes(&run, "[page] log Y after: "), "[y]");
    let y_token = token(&run, "[page] log Y after: ");
    assert_ne!(x_token, y_token, "one worker served both sites\n{run}");

    // Back under X: X's worker, X's cache, and B's frame finds the caches
    // B opened under X: its own and its worker's (one storage key).
    run.assert_stdout_line("[page] log X frame: activated; caches before [frame state]");
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| line.starts_with("[page] log X before: token"))
        .collect();
    assert_eq!(
        lines,
        [format!("[page] log X before: token {x_token} notes [x]")],
        "{run}"
    );

    // Two registrations of B's scope, one per top-level site.
    let scope = format!("http://localhost:{}/", sites.b);
    for site in ["http://127.0.0.1", "http://www.localhost"] {
        assert!(
            run.stdout.lines().any(|line| line
                .strip_prefix("[registrations]   top-level site  ")
                .is_some_and(|listed| listed == site)),
            "no registration under {site}\n{run}"
        );
    }
    assert_eq!(
        run.stdout
            .lines()
            .filter(|line| line.ends_with(&format!("scope {scope}")))
            .count(),
        2,
        "{run}"
    );

    // The next run on the profile restores each partition's worker with
    // its cache.
    let again = run_shell(
        &sites.y(&format!("next={}", encode(&sites.x("")))),
        &["--pref", PARTITIONED, "--profile", &profile.arg()],
        &[],
    );
    assert_eq!(again.status, Some(0), "{again}");
    again.assert_stdout_line(&format!("[page] log Y before: token {y_token} notes [y]"));
    again.assert_stdout_line(&format!("[page] log X before: token {x_token} notes [x]"));

    // Unpartitioned, the profile's partitioned registrations are not
    // restored: nothing answers for B.
    let unpartitioned = run_shell(&sites.x(""), &["--profile", &profile.arg()], &[]);
    assert_eq!(unpartitioned.status, Some(0), "{unpartitioned}");
    unpartitioned.assert_stdout_line("[page] log X before: failed TypeError");
}

#[test]
fn unpartitioned_every_top_level_site_shares_one_worker_and_cache() {
    let sites = sites();
    let run = run_shell(&sites.tour(), &[], &[]);
    assert_eq!(run.status, Some(0), "{run}");

    run.assert_stdout_line("[page] log X before: failed TypeError");
    run.assert_stdout_line("[page] log X frame: activated; caches before []");
    let x_token = token(&run, "[page] log X after: ");
    // Under Y, X's worker answers at once, with X's note; Y's note joins it.
    run.assert_stdout_line(&format!("[page] log Y before: token {x_token} notes [x]"));
    // B's frame under Y sees the caches B opened under X.
    run.assert_stdout_line("[page] log Y frame: activated; caches before [frame state]");
    run.assert_stdout_line(&format!("[page] log Y after: token {x_token} notes [x y]"));
    run.assert_stdout_line(&format!("[page] log X before: token {x_token} notes [x y]"));
}
