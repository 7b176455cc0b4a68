/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Foreign fetch end to end: origin B's worker registers for foreign fetch
//! in its install handler; net learns the registration from B's service
//! worker manager and matches each request locally; a page on origin A
//! fetches a resource of B inside B's foreign fetch scope (answered by B's
//! worker) and one outside it (the network, with no message to anyone), and
//! a worker that never answers (a promise that never settles, a handler that
//! never returns) ends in a network error after the time limit while the
//! next request is answered again (by the same worker, or by the worker run
//! again after it was terminated).

use std::collections::HashMap;

#[path = "../support/mod.rs"]
mod support;

use support::{ACTIVATE_JS, Resource, run_shell, serve};

/// Origin A (`127.0.0.1`): embeds B's frame, waits for B's worker to be
/// activated, then fetches resources of B.
const PAGE: &str = r#"<!doctype html>
<script>
const b = `http://localhost:${location.port}`;
async function show(name, url) {
  try {
    const response = await fetch(url);
    console.log(`${name} ${response.status} ${response.type} ${await response.text()}`);
  } catch (e) {
    console.log(`${name} failed: ${e.name}`);
  }
}
addEventListener("message", async event => {
  if (event.origin !== b) return;
  console.log(`frame: ${event.data}`);
  if (event.data === "activated") {
    await show("inside", `${b}/scope/inside.txt`);
    await show("outside", `${b}/outside.txt`);
    await show("hang", `${b}/scope/inside.txt?hang`);
    await show("after", `${b}/scope/inside.txt?after`);
    await show("loop", `${b}/scope/inside.txt?loop`);
    await show("after-loop", `${b}/scope/inside.txt?after-loop`);
    // A navigation into the scope is never offered to the worker.
    const nested = document.createElement("iframe");
    nested.src = `${b}/scope/inside.txt?navigation`;
    await new Promise(resolve => { nested.onload = resolve; document.documentElement.append(nested); });
    // B's own same-origin fetch is not either.
    frame.contentWindow.postMessage("fetch", b);
    return;
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
<script src="/activate.js"></script>
<script>
registerAndActivate("/sw.js", {scope: "/scope/"}).then(
  () => parent.postMessage("activated", "*"),
  e => parent.postMessage(`failed: ${e}`, "*"));
addEventListener("message", async () => {
  const response = await fetch("/scope/inside.txt?same-origin");
  parent.postMessage(`same-origin ${response.status} ${await response.text()}`, "*");
});
</script>"#;

const WORKER: &str = r#"
self.addEventListener("install", event => {
  event.registerForeignFetch({scopes: [self.registration.scope], origins: ["*"]});
});
self.addEventListener("foreignfetch", event => {
  if (event.request.url.endsWith("?hang")) {
    event.respondWith(new Promise(() => {}));
    return;
  }
  if (event.request.url.endsWith("?loop")) {
    for (;;) {}
  }
  event.respondWith(Promise.resolve({
    response: new Response(`from worker for ${event.origin}`),
    origin: event.origin,
  }));
});
"#;

#[test]
fn a_foreign_worker_answers_requests_in_its_scope_and_only_those() {
    let port = serve(HashMap::from([
        ("/", Resource::new("text/html", PAGE)),
        ("/frame.html", Resource::new("text/html", FRAME)),
        (
            "/activate.js",
            Resource::new("application/javascript", ACTIVATE_JS),
        ),
        ("/sw.js", Resource::new("application/javascript", WORKER)),
        (
            "/scope/inside.txt",
            Resource::new("text/plain", "network").header("Access-Control-Allow-Origin", "*"),
        ),
        (
            "/outside.txt",
            Resource::new("text/plain", "outside").header("Access-Control-Allow-Origin", "*"),
        ),
    ]));
    let page = format!("http://127.0.0.1:{port}/");
    let run = run_shell(
        &page,
        &["--pref", "dom_serviceworker_timeout_seconds=2"],
        &[("RUST_LOG", "foreign_fetch=debug")],
    );

    assert_eq!(
        run.status,
        Some(0),
        "the shell did not finish cleanly\n{run}"
    );
    run.assert_stdout_line("[page] log frame: activated");
    let a = format!("http://127.0.0.1:{port}");
    // Inside B's foreign fetch scope: B's worker answered, as a CORS response.
    run.assert_stdout_line(&format!("[page] log inside 200 cors from worker for {a}"));
    // Outside it: the network.
    run.assert_stdout_line("[page] log outside 200 cors outside");
    // A worker that never settles respondWith(): a network error after the
    // time limit, and the next request is answered again.
    run.assert_stdout_line("[page] log hang failed: TypeError");
    run.assert_stdout_line(&format!("[page] log after 200 cors from worker for {a}"));
    // A handler that never returns: the same, and the worker, terminated,
    // runs again for the next request.
    run.assert_stdout_line("[page] log loop failed: TypeError");
    run.assert_stdout_line(&format!(
        "[page] log after-loop 200 cors from worker for {a}"
    ));
    // B's own request in the scope: the network.
    run.assert_stdout_line("[page] log frame: same-origin 200 network");

    let b = format!("http://localhost:{port}");
    for expected in [
        // Before B's worker registered: nothing to match, nothing asked.
        format!("http fetch step 3.2: {b}/frame.html: no foreign fetch registration for {b}"),
        // The request in the scope went to the worker, and came back.
        format!("http fetch step 3.2: {b}/scope/inside.txt: registration {b}/scope/ matches"),
        format!("http fetch step 3.2: {b}/scope/inside.txt: dispatched fetch "),
        format!("http fetch step 3.2: {b}/scope/inside.txt: the worker answered"),
        // The one outside: matched locally, nothing sent.
        format!("http fetch step 3.2: {b}/outside.txt: outside the foreign fetch scopes"),
        format!("http fetch step 3.2: {b}/scope/inside.txt?hang: the worker did not answer in 2s"),
        // Servo's facts: a navigation and a same-origin request in the scope
        // are not eligible.
        format!("http fetch step 3.2: {b}/scope/inside.txt?navigation: not a subresource request"),
        format!("http fetch step 3.2: {b}/scope/inside.txt?same-origin: same-origin request"),
    ] {
        assert!(
            run.stderr_contains(&expected),
            "no log line {expected:?}\n{run}"
        );
    }
}
