/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! `patches/patches.toml`: which crates we patch, at which version, and the
//! checksum of their crates.io archive.
//!
//! The checksum is the one `Cargo.lock` recorded for the crate before it was
//! patched (once patched, `Cargo.lock` lists the crate as a path package with
//! no checksum, so it has to be kept here).

use std::collections::BTreeMap;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::layout::{LINK_NAME, Layout};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub crates: BTreeMap<String, CrateBase>,
    /// How `servo-patches export` writes the series for Servo's repository.
    pub export: Option<ExportConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateBase {
    /// The exact version on crates.io.
    pub version: String,
    /// SHA-256 of `<crate>-<version>.crate`, as in `Cargo.lock`.
    pub checksum: String,
    /// Where the crate lives in Servo's repository (`components/net`), for
    /// `servo-patches export`.
    #[serde(rename = "servo-path")]
    pub servo_path: Option<String>,
}

/// The `[export]` table: one global order for the series of every crate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ExportConfig {
    /// Every patch as `<crate>/<file name>`, in the order a Servo checkout
    /// takes them: a patch comes after every patch it depends on.
    pub order: Vec<String>,
    /// Our crates that the patched crates depend on by path, by package name,
    /// with where an upstream pull request would move them in Servo's tree.
    #[serde(default)]
    pub out_of_tree: BTreeMap<String, String>,
}

impl Manifest {
    pub fn load(layout: &Layout) -> Result<Self> {
        let path = layout.root.join("patches/patches.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let manifest: Manifest =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        for (name, base) in &manifest.crates {
            if base.checksum.len() != 64 || !base.checksum.bytes().all(|b| b.is_ascii_hexdigit()) {
                bail!(
                    "{}: {name}: checksum is not a SHA-256 hex digest",
                    path.display()
                );
            }
        }
        manifest.check_workspace(layout)?;
        Ok(manifest)
    }

    pub fn names(&self) -> Vec<&str> {
        self.crates.keys().map(String::as_str).collect()
    }

    /// Every patched crate must be wired into the workspace through
    /// `[patch.crates-io]`, and every `.patched/` entry there must be listed
    /// here: a build never silently uses an unpatched crate.
    fn check_workspace(&self, layout: &Layout) -> Result<()> {
        let path = layout.root.join("Cargo.toml");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let cargo: toml::Table =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        let patch_table = cargo
            .get("patch")
            .and_then(|p| p.get("crates-io"))
            .and_then(|p| p.as_table());
        let wired: BTreeMap<&str, Option<&str>> = patch_table
            .map(|table| {
                table
                    .iter()
                    .map(|(name, spec)| {
                        (
                            name.as_str(),
                            spec.get("path").and_then(|path| path.as_str()),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();

        for (name, base) in &self.crates {
            let expected = format!("{LINK_NAME}/{name}-{}", base.version);
            match wired.get(name.as_str()) {
                Some(Some(path)) if path.trim_end_matches('/') == expected => {},
                Some(other) => bail!(
                    "Cargo.toml: [patch.crates-io] {name} must be {{ path = \"{expected}\" }}, found {other:?}"
                ),
                None => bail!(
                    "Cargo.toml: patches/patches.toml lists {name} but [patch.crates-io] does not; add\n    {name} = {{ path = \"{expected}\" }}"
                ),
            }
        }
        for (name, path) in wired {
            if path.is_some_and(|p| p.starts_with(LINK_NAME)) && !self.crates.contains_key(name) {
                bail!(
                    "Cargo.toml: [patch.crates-io] {name} points into {LINK_NAME}/ but patches/patches.toml does not list it"
                );
            }
        }
        Ok(())
    }
}
