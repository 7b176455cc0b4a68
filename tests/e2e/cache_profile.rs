/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! A Cache lasts across runs of the shell on one profile (`--profile DIR`):
//! the patched storage thread keeps each cache in an SQLite database in the
//! directory Servo's client storage gives it, under the profile, and the
//! origin's name to cache map in the cache storage thread's database, so
//! `has()`, `CacheStorage.keys()` and `CacheStorage.match()` know it before
//! any `open()`. A run on another profile does not see it.

use std::collections::HashMap;

#[path = "../support/mod.rs"]
mod support;

use support::{Profile, Resource, run_shell, serve};

const PUT: &str = r#"<!doctype html>
<script>
(async () => {
  const cache = await caches.open("kept");
  await cache.put("/data", new Response("kept across runs", {headers: {"X-Stored": "yes"}}));
  const back = await cache.match("/data");
  console.log(`stored ${await back.text()}`);
  console.log("servo-ff:done");
})().catch(e => { console.log(`failed: ${e}`); console.log("servo-ff:done"); });
</script>"#;

const GET: &str = r#"<!doctype html>
<script>
(async () => {
  // Before any open() in this run: the name to cache map is the stored one.
  console.log(`has ${await caches.has("kept")}, names ${(await caches.keys()).join(",")}`);
  const matched = await caches.match("/data");
  console.log(`caches.match ${matched ? await matched.text() : "nothing"}`);
  const cache = await caches.open("kept");
  const response = await cache.match("/data");
  console.log(response ? `found ${await response.text()} ${response.headers.get("X-Stored")}`
                       : "found nothing");
  console.log(`keys ${(await cache.keys()).map(r => new URL(r.url).pathname).join(",")}`);
  console.log("servo-ff:done");
})().catch(e => { console.log(`failed: ${e}`); console.log("servo-ff:done"); });
</script>"#;

#[test]
fn a_cache_filled_in_one_run_is_there_in_the_next_on_the_same_profile() {
    let port = serve(HashMap::from([
        // Never from the HTTP cache: each run loads its page afresh.
        (
            "/put.html",
            Resource::new("text/html", PUT).header("Cache-Control", "no-store"),
        ),
        (
            "/get.html",
            Resource::new("text/html", GET).header("Cache-Control", "no-store"),
        ),
    ]));
    let profile = Profile::new("kept");
    let other = Profile::new("other");
    let profile_arg = profile.arg();
    let other_arg = other.arg();

    // The first run stores the response (and reads it back: the Cache works).
    let first = run_shell(
        &format!("http://127.0.0.1:{port}/put.html"),
        &["--profile", &profile_arg],
        &[],
    );
    assert_eq!(first.status, Some(0), "first run\n{first}");
    first.assert_stdout_line("[page] log stored kept across runs");

    // A new process on the same profile finds it.
    let second = run_shell(
        &format!("http://127.0.0.1:{port}/get.html"),
        &["--profile", &profile_arg],
        &[],
    );
    assert_eq!(second.status, Some(0), "second run\n{second}");
    second.assert_stdout_line("[page] log has true, names kept");
    second.assert_stdout_line("[page] log caches.match kept across runs");
    second.assert_stdout_line("[page] log found kept across runs yes");
    second.assert_stdout_line("[page] log keys /data");
    assert!(
        !second.stderr_contains("panicked"),
        "reading the stored cache panicked\n{second}"
    );

    // On another profile the cache is empty: the answer above came from the
    // profile, not from anything else the process shares.
    let elsewhere = run_shell(
        &format!("http://127.0.0.1:{port}/get.html"),
        &["--profile", &other_arg],
        &[],
    );
    assert_eq!(
        elsewhere.status,
        Some(0),
        "run on another profile\n{elsewhere}"
    );
    elsewhere.assert_stdout_line("[page] log has false, names ");
    elsewhere.assert_stdout_line("[page] log caches.match nothing");
    elsewhere.assert_stdout_line("[page] log found nothing");
}
