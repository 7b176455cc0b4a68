/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The pristine source of a crate: its `.crate` archive from the crates.io
//! registry cache, checked against the pinned SHA-256 and unpacked.

use std::io::Read as _;
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

/// What cargo recorded about the crate's origin when it packaged it
/// (`.cargo_vcs_info.json`): the Servo commit and the crate's path there.
#[derive(Debug, Default)]
pub struct VcsInfo {
    pub commit: Option<String>,
    pub path_in_vcs: Option<String>,
}

impl VcsInfo {
    fn parse(text: &str) -> Self {
        Self {
            commit: json_string_field(text, "sha1").map(str::to_owned),
            path_in_vcs: json_string_field(text, "path_in_vcs").map(str::to_owned),
        }
    }

    /// Checks `servo_path` (`patches/patches.toml`) against `path_in_vcs`, if
    /// cargo recorded one.
    pub fn check_servo_path(&self, name: &str, servo_path: &str) -> Result<()> {
        match &self.path_in_vcs {
            Some(recorded) if recorded != servo_path => bail!(
                "patches/patches.toml: {name}: servo-path is {servo_path:?}, but the crate was \
                 published from {recorded:?} of Servo's repository (its .cargo_vcs_info.json)"
            ),
            _ => Ok(()),
        }
    }
}

/// The [`VcsInfo`] of an unpacked crate (empty if cargo recorded none).
pub fn vcs_info_in(dir: &Path) -> VcsInfo {
    std::fs::read_to_string(dir.join(".cargo_vcs_info.json"))
        .map(|text| VcsInfo::parse(&text))
        .unwrap_or_default()
}

/// The [`VcsInfo`] of the verified archive of `name`, without unpacking it.
pub fn vcs_info(layout: &Layout, name: &str, base: &CrateBase) -> Result<VcsInfo> {
    let archive = archive(layout, name, base)?;
    let wanted = Path::new(&format!("{name}-{}", base.version)).join(".cargo_vcs_info.json");
    let file = std::fs::File::open(&archive)?;
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in tar
        .entries()
        .with_context(|| format!("reading {}", archive.display()))?
    {
        let mut entry = entry.with_context(|| format!("reading {}", archive.display()))?;
        if entry.path()?.as_ref() == wanted {
            let mut text = String::new();
            entry.read_to_string(&mut text).with_context(|| {
                format!("reading {} in {}", wanted.display(), archive.display())
            })?;
            return Ok(VcsInfo::parse(&text));
        }
    }
    Ok(VcsInfo::default())
}

/// The value of `"key": "value"` in a flat JSON text (no escapes needed for
/// the paths cargo writes).
fn json_string_field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let rest = &text[text.find(&format!("\"{key}\""))? + key.len() + 2..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start();
    let value = rest.strip_prefix('"')?;
    value.split_once('"').map(|(value, _)| value)
}

pub fn remove_dir_if_exists(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(error).context(format!("removing {}", dir.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servo_path_is_checked_against_cargo_vcs_info() {
        let info = VcsInfo::parse(
            "{\n  \"git\": {\n    \"sha1\": \"aac43a3\"\n  },\n  \"path_in_vcs\": \"components/net\"\n}",
        );
        assert_eq!(info.commit.as_deref(), Some("aac43a3"));
        assert!(info.check_servo_path("servo-net", "components/net").is_ok());
        let error = info
            .check_servo_path("servo-net", "components/shared/net")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("published from \"components/net\""),
            "{error}"
        );
        // Nothing recorded, nothing to check.
        assert!(
            VcsInfo::default()
                .check_servo_path("servo-net", "anything")
                .is_ok()
        );
        assert_eq!(json_string_field("\"path_in_vcs\" 1", "path_in_vcs"), None);
        assert_eq!(json_string_field("{}", "sha1"), None);
    }
}
