/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! What the patched `servo-net` calls for Service Worker foreign fetch.
//!
//! The patch series in `patches/servo-net/` adds one call per hook; the
//! algorithms live here and in the engine-independent `foreign-fetch` crate.

use log::debug;
use net_traits::request::{Origin, Request};
use net_traits::response::Response;

/// The log target of every foreign fetch diagnostic, for `RUST_LOG`.
pub const LOG_TARGET: &str = "foreign_fetch";

/// [Handle Foreign Fetch](https://w3c.github.io/ServiceWorker/#on-foreign-fetch-request-algorithm),
/// called from Fetch's [HTTP fetch](https://fetch.spec.whatwg.org/#concept-http-fetch)
/// step 3.2, after the request's own service worker (handle fetch) produced
/// no response and before the CORS preflight, the HTTP cache and the network.
///
/// Returns the response a foreign service worker gave, or `None` to go on
/// to the network.
pub fn handle_foreign_fetch(request: &Request) -> Option<Response> {
    let url = request.current_url();
    // HTTP fetch step 3.2: "If response is null, request is a subresource
    // request, and request's origin is not same origin with request's
    // current URL, ..."
    if !request.is_subresource_request() {
        debug!(target: LOG_TARGET, "http fetch step 3.2: {url}: not a subresource request");
        return None;
    }
    if let Origin::Origin(ref origin) = request.origin
        && *origin == url.origin()
    {
        debug!(target: LOG_TARGET, "http fetch step 3.2: {url}: same-origin request");
        return None;
    }
    debug!(target: LOG_TARGET, "http fetch step 3.2: {url}: no foreign fetch registration");
    None
}
