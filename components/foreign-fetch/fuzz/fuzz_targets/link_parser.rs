/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Fuzzes the `Link` header parser, serviceworker link processing and the
//! typed header. Lines of the input are separate header values.
//!
//! Oracle: no panic, and once encoded, a decoded header reads back unchanged
//! (encoding normalizes at most once).

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

fuzz_target!(|data: &[u8]| {
    let base = Url::parse("https://cdn.example/fonts/css?family=Roboto").unwrap();

    let links = parse_field_value(data);
    assert!(links.len() <= data.len() / 2);
    for link in service_worker_links(&links, &base) {
        let _ = link.start_register_urls();
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
