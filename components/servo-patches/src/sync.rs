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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changed_files_are_written_and_stale_ones_removed() {
        let base = std::env::temp_dir().join(format!("servo-patches-sync-{}", std::process::id()));
        let (source, target) = (base.join("source"), base.join("target"));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(source.join("dir")).unwrap();
        std::fs::write(source.join("same.rs"), "same").unwrap();
        std::fs::write(source.join("dir/new.rs"), "new").unwrap();
        std::fs::create_dir_all(target.join("gone")).unwrap();
        std::fs::write(target.join("same.rs"), "same").unwrap();
        std::fs::write(target.join("gone/old.rs"), "old").unwrap();
        let before = std::fs::metadata(target.join("same.rs"))
            .unwrap()
            .modified()
            .unwrap();

        // dir/new.rs written, gone/old.rs removed; same.rs untouched.
        assert_eq!(sync_tree(&source, &target).unwrap(), 2);
        assert_eq!(
            std::fs::read_to_string(target.join("dir/new.rs")).unwrap(),
            "new"
        );
        assert!(!target.join("gone").exists());
        let after = std::fs::metadata(target.join("same.rs"))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(before, after);
        assert_eq!(sync_tree(&source, &target).unwrap(), 0);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
