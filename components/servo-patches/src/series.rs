/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! A crate's patch series: `patches/<crate>/NNNN-*.patch` in numeric order,
//! each a `git format-patch` mail whose message explains the change.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::layout::Layout;

pub struct Series {
    pub patches: Vec<Patch>,
}

pub struct Patch {
    pub path: PathBuf,
    pub file_name: String,
    pub subject: String,
    pub text: String,
}

/// One `@@` hunk of a patch, for error messages.
pub struct Hunk {
    pub file: String,
    /// 1-based number of the hunk within its file.
    pub number: usize,
    pub old_start: usize,
    pub header: String,
}

impl Series {
    pub fn load(layout: &Layout, name: &str) -> Result<Self> {
        let dir = layout.patches_dir(name);
        let mut patches = Vec::new();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self { patches });
            },
            Err(error) => return Err(error).context(format!("reading {}", dir.display())),
        };
        for entry in entries {
            let path = entry?.path();
            let Some(file_name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned)
            else {
                continue;
            };
            if !file_name.ends_with(".patch") {
                continue;
            }
            if !file_name.get(..5).is_some_and(|prefix| {
                prefix[..4].bytes().all(|b| b.is_ascii_digit()) && prefix.ends_with('-')
            }) {
                bail!(
                    "{}: patch files are named NNNN-short-name.patch",
                    path.display()
                );
            }
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let subject = subject(&text).with_context(|| {
                format!(
                    "{}: not a `git format-patch` mail (no Subject: line)",
                    path.display()
                )
            })?;
            patches.push(Patch {
                path,
                file_name,
                subject,
                text,
            });
        }
        patches.sort_by(|a, b| a.file_name.cmp(&b.file_name));
        Ok(Self { patches })
    }
}

impl Patch {
    /// The path relative to the workspace root, for messages.
    pub fn display_path(&self, layout: &Layout) -> String {
        self.path
            .strip_prefix(&layout.root)
            .unwrap_or(&self.path)
            .display()
            .to_string()
    }

    /// The hunks of this patch, in order.
    pub fn hunks(&self) -> Vec<Hunk> {
        let mut hunks = Vec::new();
        let mut file = String::new();
        let mut number = 0;
        for line in self.text.lines() {
            if let Some(rest) = line.strip_prefix("diff --git a/") {
                file = rest.split(" b/").next().unwrap_or(rest).to_owned();
                number = 0;
            } else if let Some(rest) = line.strip_prefix("@@ -") {
                number += 1;
                let old_start = rest
                    .split([',', ' '])
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                hunks.push(Hunk {
                    file: file.clone(),
                    number,
                    old_start,
                    header: line.to_owned(),
                });
            }
        }
        hunks
    }
}

/// The `Subject:` of a mail, without `[PATCH]`, unfolded.
fn subject(text: &str) -> Option<String> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with("Subject: "));
    let mut subject = lines.next()?.trim_start_matches("Subject: ").to_owned();
    for continuation in lines.take_while(|l| l.starts_with(' ')) {
        subject.push_str(continuation);
    }
    let subject = match subject.strip_prefix('[') {
        Some(rest) => rest.split_once("] ").map_or(subject.as_str(), |(_, s)| s),
        None => subject.as_str(),
    };
    Some(subject.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIL: &str = "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: A <a@example.org>
Subject: [PATCH] net: Call the hook in HTTP fetch
 step 3
---
diff --git a/Cargo.toml b/Cargo.toml
--- a/Cargo.toml
+++ b/Cargo.toml
@@ -113,6 +113,9 @@ version = \"0.4\"
+x
diff --git a/http_loader.rs b/http_loader.rs
--- a/http_loader.rs
+++ b/http_loader.rs
@@ -864,6 +864,15 @@ pub(crate) async fn http_fetch(
+y
@@ -900 +909,2 @@
+z
";

    fn patch(text: &str) -> Patch {
        Patch {
            path: PathBuf::from("0001-x.patch"),
            file_name: "0001-x.patch".into(),
            subject: subject(text).unwrap_or_default(),
            text: text.into(),
        }
    }

    #[test]
    fn subject_is_unfolded_without_the_patch_prefix() {
        assert_eq!(
            subject(MAIL).as_deref(),
            Some("net: Call the hook in HTTP fetch step 3")
        );
        assert_eq!(subject("no mail here"), None);
    }

    #[test]
    fn hunks_are_numbered_per_file() {
        let hunks = patch(MAIL).hunks();
        let summary: Vec<_> = hunks
            .iter()
            .map(|h| (h.file.as_str(), h.number, h.old_start))
            .collect();
        assert_eq!(
            summary,
            [
                ("Cargo.toml", 1, 113),
                ("http_loader.rs", 1, 864),
                ("http_loader.rs", 2, 900)
            ]
        );
        assert!(hunks[1].header.starts_with("@@ -864,6 +864,15 @@"));
    }

    #[test]
    fn malformed_hunk_headers_do_not_panic() {
        let hunks = patch("diff --git a/x b/x\n@@ -\n@@ -abc,1 +1 @@\n@@").hunks();
        assert_eq!(hunks.len(), 2);
        assert!(hunks.iter().all(|h| h.old_start == 0));
    }
}
