/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Every service worker registration the service worker managers of this
//! process hold, for an embedder to list (the "Show all" list of service
//! workers in a browser's developer tools; `servo-ff --show-registrations`).
//!
//! The managers [`record`] a registration whenever its workers, their states
//! or its foreign fetch configuration change, and [`remove`] it when it
//! leaves the registration map. The list lives in this process: with
//! Servo's `--multiprocess`, each content process has its own.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, PoisonError};

use foreign_fetch::registry::{AllowedOrigins, ForeignFetchRegistration};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::lifecycle::{Lifecycle, Slot};
use crate::state::WorkerState;

/// How a registration came to be: the job that created it (a later update
/// of the same registration keeps it).
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RegisteredBy {
    /// `navigator.serviceWorker.register()` in a page or worker.
    Script,
    /// A `Link: <...>; rel="serviceworker"` header on the response to
    /// `response_url`.
    LinkHeader {
        /// The URL of the response that carried the header.
        response_url: Url,
    },
    /// A `<link rel="serviceworker">` element in the document at
    /// `document_url`.
    LinkElement {
        /// The URL of the element's document.
        document_url: Url,
    },
}

impl RegisteredBy {
    /// A short description, for a table.
    pub fn describe(&self) -> String {
        match self {
            RegisteredBy::Script => "register()".to_owned(),
            RegisteredBy::LinkHeader { response_url } => format!("Link header on {response_url}"),
            RegisteredBy::LinkElement { document_url } => {
                format!("<link rel=serviceworker> in {document_url}")
            },
        }
    }
}

/// One worker of a registration, as its slot and state.
#[derive(Clone, Debug, Eq, PartialEq, Serialize)]
pub struct WorkerRecord {
    /// `installing`, `waiting` or `active`.
    pub slot: &'static str,
    /// The worker's script URL.
    pub script_url: Url,
    /// The worker's state, as `ServiceWorker.state` names it.
    pub state: &'static str,
}

/// The active worker's foreign fetch configuration.
#[derive(Clone, Debug, Eq, PartialEq, Serialize)]
pub struct ForeignFetchRecord {
    /// Its list of foreign fetch scopes.
    pub scopes: Vec<Url>,
    /// Its list of foreign fetch origins (`["*"]` for any origin).
    pub origins: Vec<String>,
}

/// One registration.
#[derive(Clone, Debug, Eq, PartialEq, Serialize)]
pub struct RegistrationRecord {
    /// The top-level site of the registration's partition, if service
    /// workers are partitioned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_level_site: Option<String>,
    /// The registration's scope URL.
    pub scope: Url,
    /// The script URL of its newest worker (or of its latest job).
    pub script_url: Url,
    /// How it was registered.
    pub registered_by: RegisteredBy,
    /// Its workers, installing first.
    pub workers: Vec<WorkerRecord>,
    /// The active worker's foreign fetch configuration, if it has one.
    pub foreign_fetch: Option<ForeignFetchRecord>,
}

impl RegistrationRecord {
    /// The record of a registration whose workers are in `lifecycle`;
    /// `script_url_of` gives a worker's script URL, `foreign_fetch` is what
    /// net's foreign fetch registry holds for the registration.
    pub fn new<W: Copy + Eq + std::fmt::Debug>(
        scope: Url,
        script_url: Url,
        registered_by: RegisteredBy,
        lifecycle: &Lifecycle<W>,
        script_url_of: impl Fn(W) -> Option<Url>,
        foreign_fetch: &ForeignFetchRegistration,
    ) -> RegistrationRecord {
        let workers = [
            (Slot::Installing, lifecycle.installing()),
            (Slot::Waiting, lifecycle.waiting()),
            (Slot::Active, lifecycle.active()),
        ]
        .into_iter()
        .filter_map(|(slot, worker)| {
            let worker = worker?;
            Some(WorkerRecord {
                slot: slot.name(),
                script_url: script_url_of(worker)?,
                state: lifecycle
                    .state_of(worker)
                    .map_or("redundant", WorkerState::as_str),
            })
        })
        .collect();
        let foreign_fetch =
            (!foreign_fetch.foreign_scopes.is_empty()).then(|| ForeignFetchRecord {
                scopes: foreign_fetch.foreign_scopes.clone(),
                origins: match &foreign_fetch.origins {
                    AllowedOrigins::Any => vec!["*".to_owned()],
                    AllowedOrigins::List(origins) => origins
                        .iter()
                        .map(|origin| origin.ascii_serialization())
                        .collect(),
                },
            });
        RegistrationRecord {
            top_level_site: None,
            scope,
            script_url,
            registered_by,
            workers,
            foreign_fetch,
        }
    }
}

/// The registrations, by scope URL (a scope URL includes its origin) and
/// partition.
type Key = (String, Option<String>);
static INVENTORY: Mutex<BTreeMap<Key, RegistrationRecord>> = Mutex::new(BTreeMap::new());

/// Record (or replace) a registration.
pub fn record(registration: RegistrationRecord) {
    let key = (
        registration.scope.as_str().to_owned(),
        registration.top_level_site.clone(),
    );
    INVENTORY
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key, registration);
}

/// Forget the registration of `scope` in the partition of `top_level_site`.
pub fn remove(scope: &Url, top_level_site: Option<&str>) {
    INVENTORY
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&(scope.as_str().to_owned(), top_level_site.map(str::to_owned)));
}

/// Every registration, ordered by scope URL, then partition.
pub fn snapshot() -> Vec<RegistrationRecord> {
    INVENTORY
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .values()
        .cloned()
        .collect()
}

/// The registrations as a table a person reads: one block per registration.
pub fn to_table(registrations: &[RegistrationRecord]) -> String {
    let mut table = String::new();
    if registrations.is_empty() {
        table.push_str("no service worker registrations\n");
        return table;
    }
    for (index, registration) in registrations.iter().enumerate() {
        let _ = writeln!(
            table,
            "registration {}: scope {}",
            index + 1,
            registration.scope
        );
        if let Some(site) = &registration.top_level_site {
            let _ = writeln!(table, "  top-level site  {site}");
        }
        let _ = writeln!(table, "  script          {}", registration.script_url);
        let _ = writeln!(
            table,
            "  registered by   {}",
            registration.registered_by.describe()
        );
        if registration.workers.is_empty() {
            let _ = writeln!(table, "  workers         none");
        }
        for worker in &registration.workers {
            let _ = writeln!(
                table,
                "  {:<15} {} ({})",
                worker.slot, worker.state, worker.script_url
            );
        }
        match &registration.foreign_fetch {
            Some(foreign_fetch) => {
                let scopes: Vec<&str> = foreign_fetch.scopes.iter().map(Url::as_str).collect();
                let _ = writeln!(table, "  foreign fetch   scopes {}", scopes.join(", "));
                let _ = writeln!(
                    table,
                    "                  origins {}",
                    foreign_fetch.origins.join(", ")
                );
            },
            None => {
                let _ = writeln!(table, "  foreign fetch   none");
            },
        }
    }
    table
}

/// The registrations as JSON (an array of objects, see
/// [`RegistrationRecord`]).
pub fn to_json(registrations: &[RegistrationRecord]) -> String {
    serde_json::to_string(registrations).unwrap_or_else(|error| {
        log::warn!("Failed to serialize the service worker registrations: {error}");
        "[]".to_owned()
    })
}

#[cfg(test)]
mod tests {
    use foreign_fetch::options::ForeignFetchConfig;
    use foreign_fetch::registry::{RegistrationId, WorkerState as RegistryState};

    use super::*;
    use crate::lifecycle::Report;

    fn url(url: &str) -> Url {
        Url::parse(url).unwrap()
    }

    #[test]
    fn records_workers_and_foreign_fetch() {
        let scope = url("https://api.test/api/");
        let mut lifecycle: Lifecycle<u32> = Lifecycle::new(None);
        let now = std::time::Instant::now();
        lifecycle.start_update(1, now);
        let _ = lifecycle.handle(
            Report::ScriptEvaluated {
                worker: 1,
                result: Ok(()),
            },
            now,
        );
        let config = ForeignFetchConfig {
            scopes: vec![scope.clone()],
            origins: AllowedOrigins::Any,
        };
        let registration = ForeignFetchRegistration::new(
            RegistrationId(1),
            scope.clone(),
            config,
            RegistryState::Activated,
        );
        let record = RegistrationRecord::new(
            scope.clone(),
            url("https://api.test/sw.js"),
            RegisteredBy::LinkHeader {
                response_url: url("https://api.test/api/data"),
            },
            &lifecycle,
            |_| Some(url("https://api.test/sw.js")),
            &registration,
        );
        assert_eq!(record.workers.len(), 1);
        assert_eq!(record.workers[0].slot, "installing");
        let foreign_fetch = record.foreign_fetch.as_ref().unwrap();
        assert_eq!(foreign_fetch.origins, vec!["*".to_owned()]);
        assert_eq!(foreign_fetch.scopes, vec![url("https://api.test/api/")]);

        let table = to_table(std::slice::from_ref(&record));
        assert!(table.contains("scope https://api.test/api/"), "{table}");
        assert!(
            table.contains("Link header on https://api.test/api/data"),
            "{table}"
        );
        assert!(table.contains("origins *"), "{table}");
        let json = to_json(std::slice::from_ref(&record));
        assert!(json.contains("\"kind\":\"link-header\""), "{json}");

        record_and_remove(record);
    }

    fn record_and_remove(registration: RegistrationRecord) {
        let scope = registration.scope.clone();
        record(registration);
        assert!(snapshot().iter().any(|r| r.scope == scope));
        remove(&scope, None);
        assert!(!snapshot().iter().any(|r| r.scope == scope));
    }

    #[test]
    fn an_empty_list_says_so() {
        assert_eq!(to_table(&[]), "no service worker registrations\n");
        assert_eq!(to_json(&[]), "[]");
    }
}
