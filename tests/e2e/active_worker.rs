/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! HTTP fetch step 3.2 asks the service worker manager of the request URL's
//! origin which activated worker, if any, controls the URL: a page on one
//! origin fetches resources of another origin whose service worker (with a
//! scope) is activated, inside and outside that scope.

use std::collections::HashMap;

#[path = "../support/mod.rs"]
mod support;

use support::{Resource, run_shell, serve};

/// Origin A (`127.0.0.1`): embeds B's frame, waits for B's worker to be
/// activated, then fetches one resource of B inside the worker's scope and
/// one outside it.
const PAGE: &str = r#"<!doctype html>
<script>
const b = `http://localhost:${location.port}`;
addEventListener("message", async event => {
  if (event.origin !== b) return;
  console.log(`frame: ${event.data}`);
  if (event.data === "activated") {
    try {
      const inside = await fetch(`${b}/scope/inside.txt`);
      console.log(`inside ${inside.status} ${await inside.text()}`);
      const outside = await fetch(`${b}/outside.txt`);
      console.log(`outside ${outside.status} ${await outside.text()}`);
    } catch (e) {
      console.log(`failed: ${e}`);
    }
  }
  console.log("servo-ff:done");
});
const frame = document.createElement("iframe");
frame.src = `${b}/frame.html`;
document.documentElement.append(frame);
</script>"#;

/// Origin B (`localhost`): registers its service worker for `/scope/` and
/// tells the parent once it is activated.
const FRAME: &str = r#"<!doctype html>
<script>
(async () => {
  const registration = await navigator.serviceWorker.register("/sw.js", {scope: "/scope/"});
  const worker = registration.installing || registration.waiting || registration.active;
  if (worker.state !== "activated") {
    await new Promise(resolve => worker.addEventListener("statechange", () => {
      if (worker.state === "activated") resolve();
    }));
  }
  parent.postMessage("activated", "*");
})().catch(e => parent.postMessage(`failed: ${e}`, "*"));
</script>"#;

const WORKER: &str = r#"
self.addEventListener("install", event => event.waitUntil(Promise.resolve()));
self.addEventListener("activate", event => event.waitUntil(Promise.resolve()));
"#;

#[test]
fn http_fetch_asks_the_origins_manager_for_the_active_worker() {
    let port = serve(HashMap::from([
        ("/", Resource::new("text/html", PAGE)),
        ("/frame.html", Resource::new("text/html", FRAME)),
        ("/sw.js", Resource::new("application/javascript", WORKER)),
        (
            "/scope/inside.txt",
            Resource::new("text/plain", "inside").header("Access-Control-Allow-Origin", "*"),
        ),
        (
            "/outside.txt",
            Resource::new("text/plain", "outside").header("Access-Control-Allow-Origin", "*"),
        ),
    ]));
    let page = format!("http://127.0.0.1:{port}/");
    let run = run_shell(&page, &[], &[("RUST_LOG", "foreign_fetch=debug")]);

    assert_eq!(
        run.status,
        Some(0),
        "the shell did not finish cleanly\n{run}"
    );
    run.assert_stdout_line("[page] log frame: activated");
    // The page got the network's responses, untouched.
    run.assert_stdout_line("[page] log inside 200 inside");
    run.assert_stdout_line("[page] log outside 200 outside");

    let b = format!("http://localhost:{port}");
    // Neither B's frame nor its worker's script is offered to a worker.
    for expected in [
        format!("http fetch step 3.2: {b}/frame.html: not a subresource request"),
        format!("http fetch step 3.2: {b}/sw.js: not a subresource request"),
    ] {
        assert!(
            run.stderr_contains(&expected),
            "no log line {expected:?}\n{run}"
        );
    }
    // Inside the scope: the manager of B answered with its activated worker.
    let inside = format!(
        "http fetch step 3.2: {b}/scope/inside.txt: active worker {b}/sw.js (scope {b}/scope/)"
    );
    assert!(
        run.stderr.lines().any(|line| line.ends_with(&inside)),
        "no log line {inside:?}\n{run}"
    );
    // Outside it: B has a manager, which was asked and answered "none".
    let outside = format!("http fetch step 3.2: {b}/outside.txt: no active worker");
    assert!(
        run.stderr.lines().any(|line| line.ends_with(&outside)),
        "no log line ending with {outside:?}\n{run}"
    );
}
