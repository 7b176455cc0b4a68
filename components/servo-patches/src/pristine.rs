/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The pristine source of a crate: its `.crate` archive from the crates.io
//! registry cache, checked against the pinned SHA-256 and unpacked.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::layout::{Layout, cargo_home};
use crate::manifest::CrateBase;

/// Unpacks the verified pristine `name-version` into `dest` (which must not
/// exist) and returns `dest`.
pub fn unpack(layout: &Layout, name: &str, base: &CrateBase, dest: &Path) -> Result<()> {
    let archive = archive(layout, name, base)?;
    let parent = dest.parent().context("destination has no parent")?;
    let scratch = parent.join(format!(
        ".unpack-{}",
        dest.file_name().and_then(|n| n.to_str()).unwrap_or("crate")
    ));
    remove_dir_if_exists(&scratch)?;
    std::fs::create_dir_all(&scratch)?;
    let file = std::fs::File::open(&archive)?;
    tar::Archive::new(flate2::read::GzDecoder::new(file))
        .unpack(&scratch)
        .with_context(|| format!("unpacking {}", archive.display()))?;
    let unpacked = scratch.join(format!("{name}-{}", base.version));
    if !unpacked.is_dir() {
        bail!(
            "{} has no {name}-{}/ directory",
            archive.display(),
            base.version
        );
    }
    std::fs::rename(&unpacked, dest)?;
    std::fs::remove_dir_all(&scratch)?;
    Ok(())
}

/// The verified `.crate` archive, fetched through cargo if it is not cached.
fn archive(layout: &Layout, name: &str, base: &CrateBase) -> Result<PathBuf> {
    let found = match find_cached(name, &base.version)? {
        Some(path) => path,
        None => {
            fetch(layout, name, &base.version)?;
            find_cached(name, &base.version)?.with_context(|| {
                format!(
                    "cargo fetched {name} {} but its .crate is not in the registry cache",
                    base.version
                )
            })?
        },
    };
    let bytes = std::fs::read(&found).with_context(|| format!("reading {}", found.display()))?;
    let digest = format!("{:x}", Sha256::digest(&bytes));
    if !digest.eq_ignore_ascii_case(&base.checksum) {
        bail!(
            "{} has SHA-256 {digest}, but patches/patches.toml pins {} for {name} {}: \
             refusing to patch an archive that is not the one Cargo.lock recorded",
            found.display(),
            base.checksum,
            base.version
        );
    }
    Ok(found)
}

fn find_cached(name: &str, version: &str) -> Result<Option<PathBuf>> {
    let cache = cargo_home()?.join("registry/cache");
    let Ok(registries) = std::fs::read_dir(&cache) else {
        return Ok(None);
    };
    let file_name = format!("{name}-{version}.crate");
    for registry in registries {
        let registry = registry?.path();
        let is_crates_io = registry
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("index.crates.io-") || n.starts_with("github.com-"));
        let candidate = registry.join(&file_name);
        if is_crates_io && candidate.is_file() {
            return Ok(Some(candidate));
        }
    }
    Ok(None)
}

/// Asks cargo to download `name = "=version"` through a throw-away manifest:
/// the workspace itself cannot, since it replaces the crate by its patched copy.
fn fetch(layout: &Layout, name: &str, version: &str) -> Result<()> {
    log::info!("fetching {name} {version} from crates.io");
    let dir = layout
        .scratch_dir("fetch")
        .join(format!("{name}-{version}"));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"servo-patches-fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             [lib]\npath = \"lib.rs\"\n[dependencies]\n{name} = \"={version}\"\n[workspace]\n"
        ),
    )?;
    std::fs::write(dir.join("lib.rs"), "")?;
    // Start from the workspace's lock file so that cargo keeps its versions.
    let lock = layout.root.join("Cargo.lock");
    if lock.is_file() {
        std::fs::copy(&lock, dir.join("Cargo.lock"))?;
    }
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .arg("fetch")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .status()
        .context("running cargo fetch")?;
    if !status.success() {
        bail!("cargo fetch of {name} {version} failed ({status})");
    }
    Ok(())
}

pub fn remove_dir_if_exists(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).context(format!("removing {}", dir.display())),
    }
}
