/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The developer workflow, quilt-like but with git: `edit` makes a repository
//! whose first commit is the pristine crate (tagged `pristine`) and whose
//! following commits are the series; the developer commits edits there (one
//! commit per concern, the message becoming the patch description), and
//! `refresh` writes `git format-patch pristine..HEAD` back to `patches/`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::layout::Layout;
use crate::manifest::Manifest;
use crate::pristine;
use crate::series::Series;

pub fn edit(layout: &Layout, manifest: &Manifest, name: &str) -> Result<()> {
    let base = &manifest.crates[name];
    let dir = layout.edit_dir(name, &base.version);
    if dir.exists() {
        bail!(
            "{} exists already: `servo-patches refresh {name}` writes its commits back, \
             or remove it to start again",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir.parent().context("edit dir has no parent")?)?;
    pristine::unpack(layout, name, base, &dir)?;
    git(&dir, &["init", "-q"])?;
    git(&dir, &["add", "-A"])?;
    git(
        &dir,
        &[
            "-c",
            "user.name=servo-patches",
            "-c",
            "user.email=servo-patches@localhost",
            "commit",
            "-q",
            "-m",
            &format!("{name} {} from crates.io (pristine)", base.version),
        ],
    )?;
    git(&dir, &["tag", "pristine"])?;
    let series = Series::load(layout, name)?;
    for patch in &series.patches {
        let path = patch.path.to_string_lossy();
        git(&dir, &["am", "-q", "--keep-cr", &path]).with_context(|| {
            format!(
                "patch {} does not apply to {name} {}",
                patch.display_path(layout),
                base.version
            )
        })?;
    }
    println!("{}", dir.display());
    eprintln!(
        "servo-patches: {name} {} is editable in the directory above ({} patch(es) as commits).\n\
         Commit each concern separately (the message is the patch description; `git commit --amend`\n\
         or `git rebase -i pristine` to change an existing patch), then run `servo-patches refresh {name}`.",
        base.version,
        series.patches.len()
    );
    Ok(())
}

pub fn refresh(layout: &Layout, manifest: &Manifest, name: &str) -> Result<()> {
    let base = &manifest.crates[name];
    let dir = layout.edit_dir(name, &base.version);
    if !dir.is_dir() {
        bail!("no editable copy of {name}: run `servo-patches edit {name}` first");
    }
    let status = git_output(&dir, &["status", "--porcelain"])?;
    if !status.trim().is_empty() {
        bail!(
            "{} has uncommitted changes; commit them (one commit per patch) before refreshing:\n{status}",
            dir.display()
        );
    }
    let patches_dir = layout.patches_dir(name);
    std::fs::create_dir_all(&patches_dir)?;
    for patch in Series::load(layout, name)?.patches {
        std::fs::remove_file(&patch.path)?;
    }
    let out = patches_dir.to_string_lossy();
    git(
        &dir,
        &[
            "format-patch",
            "-q",
            "--no-numbered",
            "--zero-commit",
            "--no-signature",
            "--stat=72",
            "-o",
            &out,
            "pristine..HEAD",
        ],
    )?;
    for patch in Series::load(layout, name)?.patches {
        eprintln!("servo-patches: wrote {}", patch.display_path(layout));
    }
    Ok(())
}

/// Runs `git ARGS` in `dir`; fails with git's own message.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<()> {
    git_output(dir, args).map(|_| ())
}

fn git_output(dir: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .context("running git")?;
    if !output.status.success() {
        bail!(
            "git {} failed in {}:\n{}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim_end()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
