/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The `Link` response header and service worker registration from it
//! (docs/feature.md §1, "Registration without a page").
//!
//! - [`parse_field_value`] / [`parse_header_values`]: RFC 8288 Appendix B.
//! - [`Link`]: the typed header (`headers::Header`).
//! - [`ServiceWorkerLink`]: what a `rel="serviceworker"` link asks Start
//!   Register to do, and [`may_process_link_header`], the precondition on the
//!   response and its client.

mod header;
mod parse;
mod service_worker;

pub use header::Link;
pub use parse::{LinkValue, parse_field_value, parse_header_values};
pub use service_worker::{
    LinkIgnored, SERVICEWORKER, ServiceWorkerLink, StartRegisterError, UpdateViaCache, WorkerType,
    may_process_link_header, service_worker_links,
};
