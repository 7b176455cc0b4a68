/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Service Worker foreign fetch: engine-independent algorithms.
//!
//! The feature and the spec text these modules implement are summarized in
//! the repository's `docs/feature.md`, with links to the specifications
//! (section numbers below, §N, refer to it). Nothing
//! here knows about Servo; net and script call in with plain values.
//!
//! # Public API
//!
//! **Net, in HTTP fetch** (before the CORS preflight and the HTTP cache):
//! - [`registry::Registry::has_foreign_registrations`]`(&PartitionKey, &Origin)`:
//!   cheap pre-check on the request URL's origin.
//! - build a [`request::RequestSnapshot`] from the request, then
//!   [`eligibility::check`]`(&snapshot) -> Result<(), Ineligible>` (§4: subresource,
//!   secure client, cross-origin, no preflight needed).
//! - [`registry::Registry::lookup`]`(&PartitionKey, &Url, &Origin) -> Option<&ForeignFetchRegistration>`
//!   (§4: longest registration scope, foreign scope prefix, worker origin,
//!   origin allow-list); [`registry::lookup_linear`] is the reference scan.
//! - send a [`messages::ForeignFetchRequest`], receive a
//!   [`messages::ForeignFetchAnswer`], act on its [`outcome::Outcome`].
//!
//! **Net, on responses**: each value of a `Link` header (split by Servo's
//! Fetch code) → [`link::parse_field_value`] (Servo's `Link` parser,
//! `nom-rfc8288`) → [`link::service_worker_links`] (§1) when
//! [`link::may_process_link_header`] allows it;
//! [`link::ServiceWorkerLink::start_register_urls`] gives Start Register's
//! script and scope URLs.
//!
//! **Script, in `InstallEvent.registerForeignFetch`**:
//! [`options::validate`]`(&ForeignFetchOptions, &InstallContext) -> Result<ForeignFetchConfig, OptionsError>`
//! (§2; the error's [`options::ErrorKind`] says `TypeError` or
//! `InvalidStateError`).
//!
//! **Script, after a `ForeignFetchEvent`**: [`outcome::decide`]`(&EventResult, &RequestSnapshot) -> Outcome`
//! (§3–4: fall back, network error, opaque, pass through, CORS-filtered with
//! exposed headers, then Fetch's checks on a worker-provided response), then
//! a [`messages::ForeignFetchAnswer`].
//!
//! **Whoever owns registrations** (the service worker manager):
//! [`registry::Registry::insert`] / `remove` / `set_state` / `set_config`,
//! keyed by [`registry::PartitionKey`] (today always `Unpartitioned`); it
//! keeps net's copy equal to its own with [`messages::RegistryUpdate`]s, which
//! net applies with [`registry::Registry::apply`].
//!
//! **Net, in HTTP fetch step 3.1** ([Handle Fetch](https://w3c.github.io/ServiceWorker/#handle-fetch),
//! the request's own service worker): [`handle_fetch::route`]`(&RequestSnapshot) -> Route`
//! (navigation, subresource, or skip), then for a navigation
//! [`handle_fetch::navigation_registration`] and
//! [`registry::Registry::set_controller`], for a subresource
//! [`registry::Registry::controller`] (after the cheap
//! [`registry::Registry::has_controlled_clients`]); send a
//! [`messages::FetchEventRequest`] if the active worker handles `fetch`.
//! Script, after the `FetchEvent`: [`outcome::handle_fetch`]`(&EventResult, &RequestSnapshot) -> Outcome`.
//!
//! **Time limits**: [`timeout::from_seconds`] (Servo's
//! `dom_serviceworker_timeout_seconds`) bounds each `foreignfetch` event.
//!
//! Shared vocabulary: [`origin::Origin`] (a serializable origin),
//! [`request::FetchFacts`] (what the engine decided about a request with its
//! own Fetch rules: subresource, secure client, CORS-safelisted method and
//! headers; this crate keeps no second copy of those rules).

#![deny(missing_docs)]

pub mod eligibility;
pub mod handle_fetch;
pub mod link;
pub mod messages;
pub mod options;
pub mod origin;
pub mod outcome;
pub mod registry;
pub mod request;
pub mod scope_match;
pub mod timeout;
