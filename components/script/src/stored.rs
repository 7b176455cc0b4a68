/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! A service worker registration as the profile keeps it across restarts
//! (<https://w3c.github.io/ServiceWorker/#user-agent-shutdown>).
//!
//! The manager stores a registration when a worker of it becomes
//! *activated*, before any client learns so, and removes it when the
//! registration leaves the registration map; at start-up it restores each
//! one with that worker as its activated active worker. An installing or
//! waiting worker is not kept: after a restart the registration has the
//! worker that was active (the spec promotes a waiting worker instead; Servo
//! stores only what has activated, so that a worker that never ran its
//! `activate` event never serves a fetch).
//!
//! The record is JSON (with its format version) beside the script's bytes:
//! the storage thread keeps both without knowing what they hold.

use foreign_fetch::link::UpdateViaCache;
use foreign_fetch::options::ForeignFetchConfig;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::inventory::RegisteredBy;
use crate::script_resources::{ImportedScript, ScriptResourceMap};

/// The version of [`StoredRegistration`]'s JSON form; a record of another
/// version is not restored.
pub const FORMAT_VERSION: u32 = 1;

/// What a registration needs to serve fetches again after a restart.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct StoredRegistration {
    /// [`FORMAT_VERSION`] when stored.
    pub version: u32,
    /// <https://w3c.github.io/ServiceWorker/#dfn-scope-url>
    pub scope: Url,
    /// The active worker's
    /// [script URL](https://w3c.github.io/ServiceWorker/#dfn-script-url)
    /// (its script's bytes are stored beside the record).
    pub script_url: Url,
    /// How the registration was created.
    pub registered_by: RegisteredBy,
    /// <https://w3c.github.io/ServiceWorker/#dfn-update-via-cache>
    pub update_via_cache: UpdateViaCache,
    /// The active worker's list of foreign fetch scopes and origins.
    pub foreign_fetch: Option<ForeignFetchConfig>,
    /// Whether the active worker's set of event types to handle contains
    /// `fetch`.
    pub handles_fetch: bool,
    /// The scripts the active worker imported (its script resource map), in
    /// order; their bytes are stored beside the record, in the same order.
    #[serde(default)]
    pub imported_scripts: Vec<StoredImport>,
}

/// An imported script of the record, without its bytes.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct StoredImport {
    /// The URL `importScripts()` was given (resolved).
    pub url: Url,
    /// The response's URL.
    pub final_url: Url,
    /// Whether the response was CORS-cross-origin.
    pub muted_errors: bool,
}

impl StoredRegistration {
    /// The record's imports and their bytes, for `map`.
    pub fn imports_of(map: &ScriptResourceMap) -> (Vec<StoredImport>, Vec<Vec<u8>>) {
        map.scripts()
            .map(|(url, script)| {
                (
                    StoredImport {
                        url: url.clone(),
                        final_url: script.final_url.clone(),
                        muted_errors: script.muted_errors,
                    },
                    script.bytes.clone(),
                )
            })
            .unzip()
    }

    /// The script resource map of the restored worker: the record's imports
    /// with `bytes` (in the same order). `None` if they do not match.
    pub fn script_resource_map(&self, bytes: Vec<Vec<u8>>) -> Option<ScriptResourceMap> {
        if bytes.len() != self.imported_scripts.len() {
            return None;
        }
        let scripts = self
            .imported_scripts
            .iter()
            .zip(bytes)
            .map(|(import, bytes)| {
                (
                    import.url.clone(),
                    ImportedScript {
                        final_url: import.final_url.clone(),
                        muted_errors: import.muted_errors,
                        bytes,
                    },
                )
            })
            .collect();
        Some(ScriptResourceMap::restored(scripts))
    }
}

/// Why a stored record was not restored.
#[derive(Debug)]
pub enum RestoreError {
    /// It is not a record of this format.
    Malformed(String),
    /// It was stored by another version of the format.
    Version(u32),
    /// Its scope is not on the origin of the manager restoring it, or its
    /// script is not on the scope's origin.
    WrongOrigin,
}

impl StoredRegistration {
    /// The record's JSON form.
    pub fn to_json(&self) -> String {
        // A struct of strings, booleans and lists always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The record stored as `json`, checked as the registration of a
    /// manager of `origin` (the ASCII serialization of its origin).
    pub fn from_json(json: &str, origin: &str) -> Result<StoredRegistration, RestoreError> {
        #[derive(Deserialize)]
        struct Version {
            version: u32,
        }
        let Version { version } = serde_json::from_str(json)
            .map_err(|error| RestoreError::Malformed(error.to_string()))?;
        if version != FORMAT_VERSION {
            return Err(RestoreError::Version(version));
        }
        let record: StoredRegistration = serde_json::from_str(json)
            .map_err(|error| RestoreError::Malformed(error.to_string()))?;
        if record.scope.origin().ascii_serialization() != origin
            || record.script_url.origin() != record.scope.origin()
        {
            return Err(RestoreError::WrongOrigin);
        }
        Ok(record)
    }
}

#[cfg(test)]
mod tests {
    use foreign_fetch::registry::AllowedOrigins;

    use super::*;

    fn record() -> StoredRegistration {
        StoredRegistration {
            version: FORMAT_VERSION,
            scope: Url::parse("https://api.example/").unwrap(),
            script_url: Url::parse("https://api.example/sw.js").unwrap(),
            registered_by: RegisteredBy::LinkHeader {
                response_url: Url::parse("https://api.example/data").unwrap(),
            },
            update_via_cache: UpdateViaCache::None,
            foreign_fetch: Some(ForeignFetchConfig {
                scopes: vec![Url::parse("https://api.example/data").unwrap()],
                origins: AllowedOrigins::Any,
            }),
            handles_fetch: false,
            imported_scripts: Vec::new(),
        }
    }

    #[test]
    fn imports_go_with_their_bytes() {
        let mut map = ScriptResourceMap::default();
        let url = Url::parse("https://api.example/lib.js").unwrap();
        let script = ImportedScript {
            final_url: Url::parse("https://cdn.example/lib.js").unwrap(),
            muted_errors: true,
            bytes: b"lib()".to_vec(),
        };
        map.record(url, script);
        let (imports, bytes) = StoredRegistration::imports_of(&map);
        let mut stored = record();
        stored.imported_scripts = imports;
        let back = StoredRegistration::from_json(&stored.to_json(), "https://api.example").unwrap();
        let mut restored = back.script_resource_map(bytes).unwrap();
        assert!(restored.is_sealed());
        restored.seal();
        let mut expected = map.clone();
        expected.seal();
        assert_eq!(restored, expected);
        assert_eq!(back.script_resource_map(Vec::new()), None);
    }

    #[test]
    fn a_record_comes_back_as_it_was_stored() {
        let json = record().to_json();
        let back = StoredRegistration::from_json(&json, "https://api.example").unwrap();
        assert_eq!(back, record());
    }

    #[test]
    fn a_record_of_another_origin_is_not_restored() {
        let json = record().to_json();
        assert!(matches!(
            StoredRegistration::from_json(&json, "https://other.example"),
            Err(RestoreError::WrongOrigin)
        ));
        let mut foreign_script = record();
        foreign_script.script_url = Url::parse("https://cdn.example/sw.js").unwrap();
        assert!(matches!(
            StoredRegistration::from_json(&foreign_script.to_json(), "https://api.example"),
            Err(RestoreError::WrongOrigin)
        ));
    }

    #[test]
    fn a_broken_or_newer_record_is_not_restored() {
        for json in ["", "{", "null", "{\"version\":1}", "{\"scope\":\"x\"}"] {
            assert!(
                matches!(
                    StoredRegistration::from_json(json, "https://api.example"),
                    Err(RestoreError::Malformed(_))
                ),
                "{json:?}"
            );
        }
        let newer = record()
            .to_json()
            .replacen("\"version\":1", "\"version\":2", 1);
        assert!(matches!(
            StoredRegistration::from_json(&newer, "https://api.example"),
            Err(RestoreError::Version(2))
        ));
    }
}
