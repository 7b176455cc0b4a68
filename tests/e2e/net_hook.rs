/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The `servo-net` patch series is in the running Servo: its HTTP fetch
//! step 3.2 hook sees each request and tells apart navigations, same-origin
//! and cross-origin subresource requests, without changing what the page
//! gets.

use std::collections::HashMap;

#[path = "../support/mod.rs"]
mod support;

use support::{Resource, run_shell, serve};

const PAGE: &str = r#"<!doctype html>
<script>
(async () => {
  const cross = await fetch(`http://localhost:${location.port}/cross.txt`);
  console.log(`cross-origin ${cross.status} ${await cross.text()}`);
  const same = await fetch("/same.txt");
  console.log(`same-origin ${same.status} ${await same.text()}`);
  console.log("servo-ff:done");
})().catch(e => { console.log(`failed: ${e}`); console.log("servo-ff:done"); });
</script>"#;

#[test]
fn http_fetch_hook_runs_for_every_request_in_the_patched_servo() {
    let port = serve(HashMap::from([
        ("/", Resource::new("text/html", PAGE)),
        (
            "/cross.txt",
            Resource::new("text/plain", "cross").header("Access-Control-Allow-Origin", "*"),
        ),
        ("/same.txt", Resource::new("text/plain", "same")),
    ]));
    let page = format!("http://127.0.0.1:{port}/");
    let run = run_shell(&page, &[], &[("RUST_LOG", "foreign_fetch=debug")]);

    assert_eq!(
        run.status,
        Some(0),
        "the shell did not finish cleanly\n{run}"
    );
    // The page got the network's responses, untouched.
    run.assert_stdout_line("[page] log cross-origin 200 cross");
    run.assert_stdout_line("[page] log same-origin 200 same");
    // And the hook saw each request: with no foreign fetch registration
    // anywhere, a hash lookup decides, and nothing is asked or awaited.
    for expected in [
        format!(
            "http fetch step 3.2: {page}: no foreign fetch registration for http://127.0.0.1:{port}"
        ),
        format!(
            "http fetch step 3.2: http://localhost:{port}/cross.txt: no foreign fetch registration for http://localhost:{port}"
        ),
        format!(
            "http fetch step 3.2: http://127.0.0.1:{port}/same.txt: no foreign fetch registration for http://127.0.0.1:{port}"
        ),
    ] {
        assert!(
            run.stderr_contains(&expected),
            "no log line {expected:?}\n{run}"
        );
    }
}
