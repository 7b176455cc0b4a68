/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Making one directory tree equal to another while leaving untouched files
//! alone (their modification times are what cargo's fingerprints compare).

use std::path::Path;

use anyhow::{Context, Result};
use walkdir::WalkDir;

/// Makes `target` equal to `source`; returns how many files were written or
/// removed.
pub fn sync_tree(source: &Path, target: &Path) -> Result<usize> {
    let mut changed = 0;
    std::fs::create_dir_all(target)?;
    for entry in WalkDir::new(source).min_depth(1) {
        let entry = entry?;
        let relative = entry.path().strip_prefix(source)?;
        let dest = target.join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest)?;
            continue;
        }
        let new = std::fs::read(entry.path())?;
        if std::fs::read(&dest).ok().as_deref() == Some(new.as_slice()) {
            continue;
        }
        let temporary = dest.with_extension("servo-patches-tmp");
        std::fs::write(&temporary, &new)
            .with_context(|| format!("writing {}", temporary.display()))?;
        std::fs::rename(&temporary, &dest)?;
        changed += 1;
    }
    // Remove what the source no longer has (deepest first).
    let stale: Vec<_> = WalkDir::new(target)
        .min_depth(1)
        .contents_first(true)
        .into_iter()
        .filter_map(|entry| entry.ok())
        .filter(|entry| {
            !source
                .join(entry.path().strip_prefix(target).unwrap_or(entry.path()))
                .exists()
        })
        .collect();
    for entry in stale {
        if entry.file_type().is_dir() {
            std::fs::remove_dir(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
            changed += 1;
        }
    }
    Ok(changed)
}
