/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Applying a series: pristine source + patches → the build directory.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use crate::layout::Layout;
use crate::manifest::{CrateBase, Manifest};
use crate::pristine::{self, remove_dir_if_exists};
use crate::series::{Patch, Series};
use crate::sync;

/// Materializes every patched crate and links `.patched`.
pub fn apply_all(layout: &Layout, manifest: &Manifest) -> Result<()> {
    layout.link_patched()?;
    for (name, base) in &manifest.crates {
        apply_crate(layout, name, base)?;
    }
    Ok(())
}

/// Applies every series to a scratch copy, touching nothing else.
pub fn check_all(layout: &Layout, manifest: &Manifest) -> Result<()> {
    let scratch = layout.scratch_dir("check");
    for (name, base) in &manifest.crates {
        let series = Series::load(layout, name)?;
        remove_dir_if_exists(&scratch)?;
        std::fs::create_dir_all(&scratch)?;
        let dest = scratch.join(format!("{name}-{}", base.version));
        pristine::unpack(layout, name, base, &dest)?;
        if let Some(servo_path) = &base.servo_path {
            pristine::vcs_info_in(&dest).check_servo_path(name, servo_path)?;
        }
        let result = apply_series(layout, name, base, &series, &dest);
        remove_dir_if_exists(&scratch)?;
        result?;
        eprintln!(
            "servo-patches: {name} {}: {} patch(es) apply cleanly",
            base.version,
            series.patches.len()
        );
    }
    Ok(())
}

fn apply_crate(layout: &Layout, name: &str, base: &CrateBase) -> Result<()> {
    let series = Series::load(layout, name)?;
    let target = layout.patched_dir(name, &base.version);
    let stamp_path = layout.stamp_file(name, &base.version);
    let stamp = stamp(base, &series);
    if target.is_dir() && std::fs::read_to_string(&stamp_path).ok().as_deref() == Some(&stamp) {
        log::debug!("{name} {}: up to date", base.version);
        return Ok(());
    }

    let staging = layout
        .scratch_dir("staging")
        .join(format!("{name}-{}", base.version));
    remove_dir_if_exists(&staging)?;
    std::fs::create_dir_all(staging.parent().context("staging has no parent")?)?;
    pristine::unpack(layout, name, base, &staging)?;
    apply_series(layout, name, base, &series, &staging)?;
    // Only files whose content changed are rewritten, so that cargo, which
    // compares modification times, rebuilds only what the change touched.
    let changed = sync::sync_tree(&staging, &target)?;
    remove_dir_if_exists(&staging)?;

    std::fs::create_dir_all(stamp_path.parent().context("stamp has no parent")?)?;
    std::fs::write(&stamp_path, &stamp)?;
    eprintln!(
        "servo-patches: {name} {}: {} patch(es) applied, {changed} file(s) updated in {}",
        base.version,
        series.patches.len(),
        target.display()
    );
    Ok(())
}

/// What the build directory of a crate is made of; equal stamps, equal trees.
fn stamp(base: &CrateBase, series: &Series) -> String {
    let mut hasher = Sha256::new();
    hasher.update(env!("CARGO_PKG_VERSION"));
    hasher.update(&base.version);
    hasher.update(&base.checksum);
    for patch in &series.patches {
        hasher.update(patch.file_name.as_bytes());
        hasher.update([0]);
        hasher.update(patch.text.as_bytes());
        hasher.update([0]);
    }
    format!("{:x}\n", hasher.finalize())
}

fn apply_series(
    layout: &Layout,
    name: &str,
    base: &CrateBase,
    series: &Series,
    dir: &Path,
) -> Result<()> {
    for patch in &series.patches {
        apply_patch(patch, dir).with_context(|| {
            format!(
                "patch {} does not apply to {name} {}",
                patch.display_path(layout),
                base.version
            )
        })?;
        log::debug!("applied {}", patch.file_name);
    }
    Ok(())
}

/// `git apply`, run as a better `patch(1)` outside any repository.
fn apply_patch(patch: &Patch, dir: &Path) -> Result<()> {
    let output = Command::new("git")
        .arg("apply")
        .arg("--whitespace=nowarn")
        .arg(&patch.path)
        .current_dir(dir)
        // Never let git find an enclosing repository and apply relative to it.
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap_or(dir))
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .context("running git apply (is git installed?)")?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut failed = Vec::new();
    for line in stderr.lines() {
        // "error: patch failed: http_loader.rs:862"
        let Some(location) = line.strip_prefix("error: patch failed: ") else {
            continue;
        };
        let Some((file, line)) = location.rsplit_once(':') else {
            continue;
        };
        let line: usize = line.trim().parse().unwrap_or(0);
        match patch
            .hunks()
            .into_iter()
            .find(|hunk| hunk.file == file && hunk.old_start == line)
        {
            Some(hunk) => failed.push(format!(
                "hunk #{} of {} does not match: {}",
                hunk.number, hunk.file, hunk.header
            )),
            None => failed.push(format!("a hunk of {file} at line {line} does not match")),
        }
    }
    if failed.is_empty() {
        bail!("git apply failed:\n{}", stderr.trim_end());
    }
    bail!(
        "{}\n(git apply said:\n{})",
        failed.join("\n"),
        stderr.trim_end()
    )
}
