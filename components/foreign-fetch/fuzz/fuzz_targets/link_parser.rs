/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Fuzzes the `Link` header parser, serviceworker link processing (with URL
//! resolution against response URLs of every scheme) and the typed header.
//! The first byte picks the response URL; lines of the rest are separate
//! header values.
//!
//! Oracle: no panic; every serviceworker link kept has an http(s) script
//! URL; once encoded, a decoded header reads back unchanged (encoding
//! normalizes at most once).

#![no_main]

use foreign_fetch::link::{Link, parse_field_value, service_worker_links};
use headers::Header;
use http::HeaderValue;
use libfuzzer_sys::fuzz_target;
use url::Url;

fn reencode(link: &Link) -> Link {
    let mut values = Vec::new();
    link.encode(&mut values);
    Link::decode(&mut values.iter()).expect("an encoded non-empty Link decodes")
}

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

    let links = parse_field_value(data);
    assert!(links.len() <= data.len() / 2);
    for link in service_worker_links(&links, &base) {
        let (script, scope) = (link.script_url.clone(), link.scope.clone());
        assert!(matches!(script.scheme(), "http" | "https"), "{script}");
        if let Ok((script_url, scope_url)) = link.start_register_urls() {
            assert_eq!(script_url, script);
            assert!(scope.is_none_or(|scope| scope == scope_url));
        }
    }

    let values: Vec<HeaderValue> = data
        .split(|byte| *byte == b'\n')
        .filter_map(|value| HeaderValue::from_bytes(value).ok())
        .collect();
    if let Ok(link) = Link::decode(&mut values.iter()) {
        let _ = link.service_worker_links(&base);
        let once = reencode(&link);
        let twice = reencode(&once);
        assert_eq!(once, twice);
    }
});
