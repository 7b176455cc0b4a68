/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The Service Worker lifecycle that Servo 0.7.0 lacks: the parts of the
//! [Update], [Install] and [Activate] algorithms that are not DOM glue.
//!
//! The patched `servo-script` calls into this crate from three places:
//!
//! - the per-origin `ServiceWorkerManager` drives a [`Lifecycle`] per
//!   registration and a [`JobQueue`] per scope, and executes the [`Action`]s
//!   they return (post a state update to the page, start or stop a worker
//!   thread, resolve or reject the job promise);
//! - `ExtendableEvent` keeps an [`ExtendLifetime`] (the *extend lifetime
//!   promises*, the *pending promises count* and the outcome that
//!   `waitUntil()` produces);
//! - for foreign fetch, [`Lifecycle`] keeps each worker's foreign fetch
//!   configuration ([`Report::RegisterForeignFetch`]) and says what the
//!   network stack's foreign fetch registry holds for the registration
//!   ([`Lifecycle::foreign_fetch_registration`]); the manager sends that to
//!   net whenever it changes.
//!
//! Time limits (a worker whose install never settles must not wedge the job
//! queue) come from the `dom_serviceworker_timeout_seconds` preference, see
//! [`timeout`].
//!
//! [Update]: https://w3c.github.io/ServiceWorker/#update-algorithm
//! [Install]: https://w3c.github.io/ServiceWorker/#installation-algorithm
//! [Activate]: https://w3c.github.io/ServiceWorker/#activation-algorithm

pub mod extend;
pub mod inventory;
pub mod lifecycle;
pub mod max_scope;
pub mod queue;
pub mod script_resources;
pub mod state;
pub mod stored;
pub mod timeout;

pub use extend::{ExtendError, ExtendLifetime, ExtendOutcome};
/// Match Service Worker Registration lives in the core crate, with the
/// foreign fetch registry that uses it too.
pub use foreign_fetch::scope_match::match_registration;
pub use lifecycle::{Action, JobFailure, Lifecycle, LifecycleEvent, Report, ScriptFailure, Slot};
pub use max_scope::check_max_scope;
pub use queue::JobQueue;
pub use state::WorkerState;
pub use timeout::lifecycle_timeout;
