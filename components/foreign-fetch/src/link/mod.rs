/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The `Link` response header and service worker registration from it
//! (docs/feature.md §1, "Registration without a page").
//!
//! - [`parse_field_value`]: the link-values of a `Link` header value, read
//!   with the parser Servo uses for preloads (`nom-rfc8288`), so that the
//!   engine has one `Link` parser.
//! - [`ServiceWorkerLink`]: what a `rel="serviceworker"` link asks Start
//!   Register to do, and [`may_process_link_header`], the precondition on the
//!   response and its client.

mod service_worker;
mod value;

pub use service_worker::{
    LinkIgnored, SERVICEWORKER, ServiceWorkerLink, StartRegisterError, UpdateViaCache, WorkerType,
    may_process_link_header, service_worker_links,
};
pub use value::{LinkValue, parse_field_value};
