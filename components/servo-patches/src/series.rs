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
