/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Where things live.
//!
//! The patched sources are written to `$SERVO_FF_CACHE/patched/<crate>-<version>`
//! and the clone reaches them through the git-ignored symlink `.patched`.
//! `[patch.crates-io]` names `.patched/<crate>-<version>`, a path inside the
//! workspace, so cargo hashes it relative to the workspace root: a fresh clone
//! elsewhere on the machine gets the same crate metadata, and since the files
//! behind the symlink keep their modification times, it reuses the build in
//! the shared target directory instead of recompiling Servo.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The name of the symlink at the workspace root.
pub const LINK_NAME: &str = ".patched";

pub struct Layout {
    /// The workspace root: the directory holding `patches/patches.toml`.
    pub root: PathBuf,
    /// `$SERVO_FF_CACHE`.
    pub cache: PathBuf,
}

impl Layout {
    pub fn discover(root: Option<PathBuf>) -> Result<Self> {
        let root = match root {
            Some(root) => root,
            None => {
                let cwd = std::env::current_dir().context("reading the current directory")?;
                cwd.ancestors()
                    .find(|dir| dir.join("patches/patches.toml").is_file())
                    .map(Path::to_path_buf)
                    .context("no patches/patches.toml here or in any parent directory")?
            },
        };
        let root = root
            .canonicalize()
            .with_context(|| format!("workspace root {}", root.display()))?;
        Ok(Self {
            root,
            cache: cache_dir()?,
        })
    }

    pub fn patches_dir(&self, name: &str) -> PathBuf {
        self.root.join("patches").join(name)
    }

    /// `$SERVO_FF_CACHE/patched`, what `.patched` points at.
    pub fn patched_root(&self) -> PathBuf {
        self.cache.join("patched")
    }

    pub fn patched_dir(&self, name: &str, version: &str) -> PathBuf {
        self.patched_root().join(format!("{name}-{version}"))
    }

    pub fn stamp_file(&self, name: &str, version: &str) -> PathBuf {
        self.patched_root()
            .join(".stamps")
            .join(format!("{name}-{version}"))
    }

    pub fn scratch_dir(&self, purpose: &str) -> PathBuf {
        self.patched_root().join(format!(".{purpose}"))
    }

    pub fn edit_dir(&self, name: &str, version: &str) -> PathBuf {
        self.cache.join("edit").join(format!("{name}-{version}"))
    }

    /// Points `<root>/.patched` at the patched sources, replacing a stale link.
    pub fn link_patched(&self) -> Result<()> {
        let link = self.root.join(LINK_NAME);
        let target = self.patched_root();
        std::fs::create_dir_all(&target)
            .with_context(|| format!("creating {}", target.display()))?;
        match std::fs::symlink_metadata(&link) {
            Ok(meta) if meta.file_type().is_symlink() => {
                if std::fs::read_link(&link)? == target {
                    return Ok(());
                }
                std::fs::remove_file(&link)?;
            },
            Ok(_) => bail!(
                "{} exists and is not a symlink: move it away (the patched crates live in {})",
                link.display(),
                target.display()
            ),
            Err(_) => {},
        }
        std::os::unix::fs::symlink(&target, &link)
            .with_context(|| format!("linking {} to {}", link.display(), target.display()))
    }
}

/// `$SERVO_FF_CACHE`, else `$XDG_CACHE_HOME/servo-foreign-fetch`, else
/// `~/.cache/servo-foreign-fetch`. The `sff` script uses the same rule.
pub fn cache_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("SERVO_FF_CACHE").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let base = match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".cache"),
    };
    Ok(base.join("servo-foreign-fetch"))
}

/// `$CARGO_HOME`, else `~/.cargo`.
pub fn cargo_home() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    Ok(PathBuf::from(std::env::var_os("HOME").context("HOME is not set")?).join(".cargo"))
}
