/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Fuzzes reading `Link` header values (Servo's parser, `nom-rfc8288`, as
//! the core crate's `parse_field_value` calls it) and serviceworker link
//! processing, with URL resolution against response URLs of every scheme.
//! The first byte picks the response URL; the rest, decoded as Fetch decodes
//! header values (each byte a char), is the value.
//!
//! Oracle: no panic; every serviceworker link kept has an http(s) script
//! URL, and Start Register's URL checks agree with it.

#![no_main]

use foreign_fetch::link::{parse_field_value, service_worker_links};
use libfuzzer_sys::fuzz_target;
use url::Url;

/// Response URLs the links are resolved against: the usual one, and others
/// of every scheme a response can have, so that resolution (script URL
/// against the response URL, scope against the script URL) is fuzzed too.
const CONTEXTS: &[&str] = &[
    "https://cdn.example/fonts/css?family=Roboto",
    "http://127.0.0.1:8000/a/b/c",
    "https://[::1]/x",
    "file:///*/l:",
    "file:///C:/dir/file",
    "data:text/plain,x",
    "blob:https://a.example/uuid",
    "about:blank",
    "ftp://host/dir/",
    "non-special:/path",
];

fuzz_target!(|data: &[u8]| {
    // The first byte chooses the response URL; the rest is the header.
    let (context, data) = match data.split_first() {
        Some((first, rest)) => (CONTEXTS[*first as usize % CONTEXTS.len()], rest),
        None => (CONTEXTS[0], data),
    };
    let base = Url::parse(context).unwrap();

    let value: String = data.iter().map(|&byte| char::from(byte)).collect();
    let links = parse_field_value(&value);
    for link in service_worker_links(&links, &base) {
        let (script, scope) = (link.script_url.clone(), link.scope.clone());
        assert!(matches!(script.scheme(), "http" | "https"), "{script}");
        if let Ok((script_url, scope_url)) = link.start_register_urls() {
            assert_eq!(script_url, script);
            assert!(scope.is_none_or(|scope| scope == scope_url));
        }
    }
});
