/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! `servo-ff --show-registrations`: a page on origin A fetches a resource of
//! origin B whose response carries `Link: </sw.js>; rel="serviceworker"`;
//! once B's worker answers A's fetches (so it was installed from the header
//! and activated), the page asks for the list (`servo-ff:show-registrations`)
//! and the shell prints it again at exit, as JSON. The list must show B's
//! registration, registered by the Link header on that response, its
//! activated worker and its foreign fetch scope and origins.

use std::collections::HashMap;

#[path = "../support/mod.rs"]
mod support;

use support::{Resource, run_shell, serve};

/// Origin A (`127.0.0.1`).
const PAGE: &str = r#"<!doctype html>
<script>
const b = `http://localhost:${location.port}`;
(async () => {
  const first = await (await fetch(`${b}/data`)).text();
  console.log(`first ${first}`);
  for (let i = 0; i < 100; i++) {
    const answer = await (await fetch(`${b}/scope/data`)).text();
    if (answer === "from worker") {
      console.log("answered by the worker");
      console.log("servo-ff:show-registrations");
      break;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  console.log("servo-ff:done");
})();
</script>"#;

/// Origin B's worker: foreign fetch for its scope, from any origin.
const WORKER: &str = r#"
self.addEventListener("install", event => {
  event.registerForeignFetch({scopes: [self.registration.scope], origins: ["*"]});
});
self.addEventListener("foreignfetch", event => {
  event.respondWith(Promise.resolve({response: new Response("from worker"), origin: event.origin}));
});
"#;

#[test]
fn the_list_shows_a_worker_installed_by_a_link_header() {
    let port = serve(HashMap::from([
        ("/", Resource::new("text/html", PAGE)),
        (
            "/data",
            Resource::new("text/plain", "network")
                .header("Access-Control-Allow-Origin", "*")
                .header("Link", r#"</sw.js>; rel="serviceworker"; scope="/scope/""#),
        ),
        (
            "/scope/data",
            Resource::new("text/plain", "network").header("Access-Control-Allow-Origin", "*"),
        ),
        ("/sw.js", Resource::new("application/javascript", WORKER)),
    ]));
    let page = format!("http://127.0.0.1:{port}/");
    let run = run_shell(&page, &["--show-registrations=json"], &[]);

    assert_eq!(
        run.status,
        Some(0),
        "the shell did not finish cleanly\n{run}"
    );
    assert!(!run.stderr_contains("panicked"), "no panic\n{run}");
    run.assert_stdout_line("[page] log first network");
    // Precondition: the worker the Link header installed answers.
    run.assert_stdout_line("[page] log answered by the worker");
    let lists: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.strip_prefix("[registrations] "))
        .collect();
    // Once on demand, once at exit.
    assert_eq!(lists.len(), 2, "two lists\n{run}");
    let b = format!("http://localhost:{port}");
    for list in lists {
        assert!(
            list.starts_with('[') && list.ends_with(']'),
            "a JSON array: {list}"
        );
        for expected in [
            format!(r#""scope":"{b}/scope/""#),
            format!(r#""script_url":"{b}/sw.js""#),
            format!(r#""registered_by":{{"kind":"link-header","response_url":"{b}/data"}}"#),
            r#""slot":"active""#.to_owned(),
            r#""state":"activated""#.to_owned(),
            format!(r#""foreign_fetch":{{"scopes":["{b}/scope/"],"origins":["*"]}}"#),
        ] {
            assert!(list.contains(&expected), "{expected} in {list}");
        }
    }
}
