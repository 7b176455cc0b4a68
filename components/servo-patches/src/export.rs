/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! `export DIR`: the series of every crate as one `git am`-able patch set in
//! Servo's repository layout, for Servo's maintainers.
//!
//! `patches/patches.toml` says where each crate lives in Servo's tree
//! (`servo-path`), in which order the patches of all crates go (`[export]
//! order`: a patch after every patch it depends on, the order of each crate's
//! own series kept), and where an upstream pull request would move our own
//! crates that the patches add as path dependencies (`[export] out-of-tree`).
//! Each exported patch keeps its message, gets `[PATCH n/N]` and its paths
//! rewritten from crate-relative (`a/http_loader.rs`) to Servo-relative
//! (`a/components/net/http_loader.rs`).
//!
//! `servo-tree DIR` lays out the pristine crates at their Servo paths in a
//! new git repository: a stand-in for a Servo checkout to try the series on.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::edit::git;
use crate::layout::{LINK_NAME, Layout};
use crate::manifest::{ExportConfig, Manifest};
use crate::pristine;
use crate::series::{Patch, Series};

/// The name of the generated overview in the export directory.
const README: &str = "README.md";

/// One patch of the global series.
pub struct Entry {
    pub crate_name: String,
    /// Where the crate lives in Servo's tree, e.g. `components/net`.
    pub servo_path: String,
    pub patch: Patch,
}

/// One of our crates that a patched crate depends on by path.
struct OutOfTree {
    /// Its package name.
    name: String,
    /// Its directory, relative to our repository root.
    repo_path: String,
    /// Our other crates it depends on, by package name.
    uses: Vec<String>,
    /// Where an upstream pull request would put it in Servo's tree.
    in_tree: String,
}

/// Checks `[export]` (if `patches/patches.toml` has one): every patch listed
/// once, each crate's order kept, every crate mapped to a Servo path, every
/// out-of-tree dependency described.
pub fn check(layout: &Layout, manifest: &Manifest) -> Result<()> {
    if manifest.export.is_none() {
        return Ok(());
    }
    let entries = plan(layout, manifest)?;
    out_of_tree(layout, manifest, &entries)?;
    eprintln!(
        "servo-patches: [export] orders all {} patch(es) of {} crate(s)",
        entries.len(),
        manifest.crates.len()
    );
    Ok(())
}

/// Writes the global series to `dir` as `NNNN-*.patch` plus a `README.md`.
pub fn export(layout: &Layout, manifest: &Manifest, dir: &Path) -> Result<()> {
    let entries = plan(layout, manifest)?;
    let out_of_tree = out_of_tree(layout, manifest, &entries)?;
    let mut commits = BTreeMap::new();
    for (name, servo_path) in servo_paths(manifest)? {
        let base = &manifest.crates[name];
        let info = pristine::vcs_info(layout, name, base)?;
        info.check_servo_path(name, servo_path)?;
        commits.insert(name.to_owned(), info.commit);
    }
    prepare_export_dir(dir)?;
    let scratch = layout.scratch_dir("export").join("git");
    pristine::remove_dir_if_exists(&scratch)?;
    std::fs::create_dir_all(&scratch).with_context(|| format!("creating {}", scratch.display()))?;

    let total = entries.len();
    let width = total.to_string().len();
    let mut written = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let number = index + 1;
        let needs = path_dependencies(layout, manifest, entry)?
            .iter()
            .map(|(_, dir)| {
                out_of_tree.get(dir).with_context(|| {
                    format!("{} is not a described out-of-tree crate", dir.display())
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let note = needs
            .iter()
            .map(|crate_| out_of_tree_note(crate_))
            .collect::<Vec<_>>();
        let text = rewrite_patch(
            &entry.patch.text,
            &entry.servo_path,
            &format!("[PATCH {number:0width$}/{total}] {}", entry.patch.subject),
            &note,
            &scratch,
        )
        .with_context(|| format!("exporting {}", entry.patch.display_path(layout)))?;
        let file_name = format!("{number:04}-{}", &entry.patch.file_name[5..]);
        let path = dir.join(&file_name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        written.push((file_name, entry, needs));
    }

    pristine::remove_dir_if_exists(&scratch)?;
    let readme = readme(dir, manifest, &commits, &written, &out_of_tree)?;
    std::fs::write(dir.join(README), readme)
        .with_context(|| format!("writing {}", dir.join(README).display()))?;
    for (file_name, _, _) in &written {
        eprintln!("servo-patches: wrote {}", dir.join(file_name).display());
    }
    eprintln!(
        "servo-patches: {total} patch(es) for Servo's tree in {} (see its {README}); \
         in a Servo checkout: git am {}/*.patch",
        dir.display(),
        dir.display()
    );
    Ok(())
}

/// Lays out every pristine crate at its Servo path in `dir`, a new git
/// repository with one commit: what an exported series applies to.
pub fn servo_tree(layout: &Layout, manifest: &Manifest, dir: &Path) -> Result<()> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .next()
            .is_some()
    {
        bail!("{} exists and is not empty", dir.display());
    }
    let mut summary = Vec::new();
    for (name, servo_path) in servo_paths(manifest)? {
        let base = &manifest.crates[name];
        let dest = dir.join(servo_path);
        std::fs::create_dir_all(dest.parent().context("crate path has no parent")?)
            .with_context(|| format!("creating the parent of {}", dest.display()))?;
        pristine::unpack(layout, name, base, &dest)?;
        pristine::vcs_info_in(&dest).check_servo_path(name, servo_path)?;
        summary.push(format!("{name} {} as {servo_path}", base.version));
    }
    git(dir, &["init", "-q"])?;
    // --force: what the crate's own .gitignore names is part of it too.
    git(dir, &["add", "--force", "-A"])?;
    let message = format!(
        "Pristine Servo crates from crates.io at their Servo paths\n\n{}\n",
        summary.join("\n")
    );
    git(
        dir,
        &[
            "-c",
            "user.name=servo-patches",
            "-c",
            "user.email=servo-patches@localhost",
            "commit",
            "-q",
            "-m",
            &message,
        ],
    )?;
    eprintln!(
        "servo-patches: {} holds the pristine crates in Servo's layout ({}); \
         `git am` an exported series there",
        dir.display(),
        summary.join(", ")
    );
    Ok(())
}

/// The global series, in `[export] order`, checked against the series on disk.
pub fn plan(layout: &Layout, manifest: &Manifest) -> Result<Vec<Entry>> {
    let config = export_config(manifest)?;
    let paths = servo_paths(manifest)?;
    let mut series = BTreeMap::new();
    for name in manifest.crates.keys() {
        let loaded =
            Series::load(layout, name).with_context(|| format!("reading the series of {name}"))?;
        series.insert(name.clone(), loaded.patches);
    }
    let names: BTreeMap<String, Vec<String>> = series
        .iter()
        .map(|(name, patches)| {
            (
                name.clone(),
                patches.iter().map(|p| p.file_name.clone()).collect(),
            )
        })
        .collect();
    let order = global_order(config, &names)?;

    let mut slots: BTreeMap<String, Vec<Option<Patch>>> = series
        .into_iter()
        .map(|(name, patches)| (name, patches.into_iter().map(Some).collect()))
        .collect();
    let mut entries = Vec::new();
    for (name, index) in order {
        let patch = slots
            .get_mut(&name)
            .and_then(|patches| patches.get_mut(index))
            .and_then(Option::take)
            .context("a patch was ordered twice")?;
        entries.push(Entry {
            servo_path: paths[name.as_str()].to_owned(),
            crate_name: name,
            patch,
        });
    }
    Ok(entries)
}

fn export_config(manifest: &Manifest) -> Result<&ExportConfig> {
    manifest.export.as_ref().context(
        "patches/patches.toml has no [export] table: add `order = [\"<crate>/<patch file>\", ...]`, \
         every patch of every series once, a patch after those it depends on",
    )
}

/// Each crate's Servo path, checked: relative, normalized, and no crate
/// inside another.
fn servo_paths(manifest: &Manifest) -> Result<BTreeMap<&str, &str>> {
    let mut paths = BTreeMap::new();
    let mut missing = Vec::new();
    for (name, base) in &manifest.crates {
        let Some(path) = base.servo_path.as_deref() else {
            missing.push(name.as_str());
            continue;
        };
        let normal = !path.is_empty()
            && !path.contains('\\')
            && path
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..");
        if !normal {
            bail!(
                "patches/patches.toml: {name}: servo-path {path:?} must be a relative path \
                 in Servo's repository, like \"components/net\""
            );
        }
        paths.insert(name.as_str(), path);
    }
    if !missing.is_empty() {
        bail!(
            "patches/patches.toml: no servo-path (where the crate lives in Servo's repository, \
             e.g. servo-path = \"components/net\") for: {}",
            missing.join(", ")
        );
    }
    for (name, path) in &paths {
        for (other, other_path) in &paths {
            if name != other && (path == other_path || other_path.starts_with(&format!("{path}/")))
            {
                bail!(
                    "patches/patches.toml: {other}'s servo-path {other_path:?} is inside \
                     {name}'s {path:?}"
                );
            }
        }
    }
    Ok(paths)
}

/// Checks `order` against the series (`crate` -> file names, in their order)
/// and returns it as (`crate`, index in its series).
fn global_order(
    config: &ExportConfig,
    series: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<(String, usize)>> {
    let mut problems = Vec::new();
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    for entry in &config.order {
        let Some((name, file)) = entry.split_once('/') else {
            problems.push(format!("{entry:?} is not of the form <crate>/<patch file>"));
            continue;
        };
        let Some(files) = series.get(name) else {
            problems.push(format!("{entry:?}: {name} is not a patched crate"));
            continue;
        };
        let Some(index) = files.iter().position(|f| f == file) else {
            problems.push(format!("{entry:?}: no such patch in patches/{name}/"));
            continue;
        };
        if !seen.insert((name, index)) {
            problems.push(format!("{entry:?} is listed more than once"));
            continue;
        }
        order.push((name.to_owned(), index));
    }
    for (name, files) in series {
        for (index, file) in files.iter().enumerate() {
            if !seen.contains(&(name.as_str(), index)) {
                problems.push(format!("{name}/{file} is not listed"));
            }
        }
    }
    for (name, files) in series {
        let positions: Vec<usize> = order
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, index)| *index)
            .collect();
        for pair in positions.windows(2) {
            if pair[0] > pair[1] {
                problems.push(format!(
                    "{name}/{} is listed before {name}/{}: each crate's series keeps its own order",
                    files[pair[0]], files[pair[1]]
                ));
            }
        }
    }
    if !problems.is_empty() {
        bail!(
            "patches/patches.toml: [export] order must list every patch of every series \
             exactly once, each crate's patches in their own order:\n  {}",
            problems.join("\n  ")
        );
    }
    Ok(order)
}

/// The directories of our crates that `entry` adds as path dependencies in
/// its crate's `Cargo.toml`, with the path as written.
fn path_dependencies(
    layout: &Layout,
    manifest: &Manifest,
    entry: &Entry,
) -> Result<Vec<(String, PathBuf)>> {
    let base = &manifest.crates[&entry.crate_name];
    let crate_dir = layout
        .root
        .join(LINK_NAME)
        .join(format!("{}-{}", entry.crate_name, base.version));
    let mut found = Vec::new();
    for written in added_cargo_paths(&entry.patch.text) {
        let dir = normalize(&crate_dir.join(&written));
        if !dir.starts_with(&layout.root) {
            bail!(
                "{}: the path dependency {written:?} is outside this repository",
                entry.patch.display_path(layout)
            );
        }
        found.push((written, dir));
    }
    Ok(found)
}

/// The `path = "..."` values on lines that a patch adds to `Cargo.toml`.
fn added_cargo_paths(patch: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut in_cargo_toml = false;
    for line in patch.lines() {
        if let Some(rest) = line.strip_prefix("diff --git ") {
            in_cargo_toml = rest == "a/Cargo.toml b/Cargo.toml";
            continue;
        }
        let Some(added) = line.strip_prefix('+') else {
            continue;
        };
        if !in_cargo_toml || added.starts_with("++") {
            continue;
        }
        let mut rest = added;
        while let Some(at) = rest.find("path") {
            rest = &rest[at + 4..];
            let value = rest.trim_start();
            let Some(value) = value.strip_prefix('=') else {
                continue;
            };
            let Some(value) = value.trim_start().strip_prefix('"') else {
                continue;
            };
            if let Some((path, _)) = value.split_once('"') {
                paths.push(path.to_owned());
            }
        }
    }
    paths
}

/// `path` without `.` and `..` components (lexically: `.patched` may not
/// exist yet).
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {},
            Component::ParentDir => {
                normal.pop();
            },
            other => normal.push(other),
        }
    }
    normal
}

/// Every crate of ours that the series depends on, directly or through
/// another of ours, by directory.
fn out_of_tree(
    layout: &Layout,
    manifest: &Manifest,
    entries: &[Entry],
) -> Result<BTreeMap<PathBuf, OutOfTree>> {
    let config = export_config(manifest)?;
    let workspace = read_toml(&layout.root.join("Cargo.toml"))?;
    let mut pending: Vec<PathBuf> = Vec::new();
    for entry in entries {
        pending.extend(
            path_dependencies(layout, manifest, entry)?
                .into_iter()
                .map(|(_, dir)| dir),
        );
    }
    let mut found = BTreeMap::new();
    let mut undescribed = Vec::new();
    while let Some(dir) = pending.pop() {
        if found.contains_key(&dir) {
            continue;
        }
        let cargo = read_toml(&dir.join("Cargo.toml"))?;
        let name = cargo
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .with_context(|| format!("{}: no [package] name", dir.join("Cargo.toml").display()))?
            .to_owned();
        let mut uses = Vec::new();
        for (key, spec) in cargo
            .get("dependencies")
            .and_then(|d| d.as_table())
            .into_iter()
            .flatten()
        {
            let path = if let Some(path) = spec.get("path").and_then(|p| p.as_str()) {
                Some(normalize(&dir.join(path)))
            } else if spec.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
                workspace
                    .get("workspace")
                    .and_then(|w| w.get("dependencies"))
                    .and_then(|d| d.get(key))
                    .and_then(|d| d.get("path"))
                    .and_then(|p| p.as_str())
                    .map(|path| normalize(&layout.root.join(path)))
            } else {
                None
            };
            if let Some(path) = path.filter(|path| path.starts_with(&layout.root)) {
                let used = read_toml(&path.join("Cargo.toml"))?;
                if let Some(used) = used
                    .get("package")
                    .and_then(|p| p.get("name"))
                    .and_then(|n| n.as_str())
                {
                    uses.push(used.to_owned());
                }
                pending.push(path);
            }
        }
        let repo_path = dir
            .strip_prefix(&layout.root)
            .unwrap_or(&dir)
            .to_string_lossy()
            .into_owned();
        let in_tree = match config.out_of_tree.get(&name) {
            Some(in_tree) => in_tree.clone(),
            None => {
                undescribed.push(format!("{name} ({repo_path})"));
                String::new()
            },
        };
        found.insert(
            dir,
            OutOfTree {
                name,
                repo_path,
                uses,
                in_tree,
            },
        );
    }
    if !undescribed.is_empty() {
        undescribed.sort();
        bail!(
            "patches/patches.toml: the series depends on crates of ours that [export] out-of-tree \
             does not describe; add `<name> = \"<where an upstream PR would put it in Servo's tree>\"` \
             for: {}",
            undescribed.join(", ")
        );
    }
    Ok(found)
}

fn read_toml(path: &Path) -> Result<toml::Table> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The paragraph an exported patch's message gets for a crate of ours it
/// adds as a path dependency.
fn out_of_tree_note(crate_: &OutOfTree) -> String {
    let uses = if crate_.uses.is_empty() {
        String::new()
    } else {
        format!(", which uses {}", crate_.uses.join(", "))
    };
    wrap(
        &format!(
            "Depends on the out-of-tree crate {} ({} of servo-foreign-fetch{uses}), \
             added to Cargo.toml as a path dependency relative to \
             servo-foreign-fetch's layout, not Servo's tree; an upstream pull \
             request would move it in-tree as {}.",
            crate_.name, crate_.repo_path, crate_.in_tree
        ),
        72,
    )
}

/// Greedy word wrap.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split_whitespace() {
        if line_len > 0 && line_len + 1 + word.len() > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word.len();
    }
    out
}

/// Refuses a directory that holds anything but a previous export, then
/// removes that export.
fn prepare_export_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut previous = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let exported = name == README
            || (name.ends_with(".patch")
                && name.len() > 5
                && name.as_bytes()[..4].iter().all(u8::is_ascii_digit)
                && name.as_bytes()[4] == b'-');
        if !exported || !entry.file_type()?.is_file() {
            bail!(
                "{} holds {name}, which is not part of an exported series: \
                 export to an empty or new directory",
                dir.display()
            );
        }
        previous.push(entry.path());
    }
    for path in previous {
        std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
    }
    Ok(())
}

/// The patch `text` (a `git format-patch` mail of a crate-relative change)
/// with `subject`, the `notes` paragraphs in its message, a fresh diffstat
/// and its paths under `prefix`; `scratch` is an empty directory outside
/// any git repository, for git.
fn rewrite_patch(
    text: &str,
    prefix: &str,
    subject: &str,
    notes: &[String],
    scratch: &Path,
) -> Result<String> {
    let diff_start = if text.starts_with("diff --git ") {
        0
    } else {
        text.find("\ndiff --git ")
            .map(|at| at + 1)
            .context("no `diff --git` in the patch")?
    };
    let (mail, diff) = text.split_at(diff_start);
    let (headers, body) = mail
        .split_once("\n\n")
        .context("no blank line after the mail headers")?;
    let mut header_lines = headers.lines();
    let from_line = header_lines
        .next()
        .filter(|line| line.starts_with("From "))
        .context("not a `git format-patch` mail (no `From <commit>` line)")?;

    let mut out = format!("{from_line}\n");
    let mut in_subject = false;
    let mut wrote_subject = false;
    for line in header_lines {
        if in_subject && (line.starts_with(' ') || line.starts_with('\t')) {
            continue;
        }
        in_subject = line.starts_with("Subject:");
        if in_subject {
            writeln!(out, "Subject: {subject}")?;
            wrote_subject = true;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    if !wrote_subject {
        bail!("no Subject: header");
    }
    out.push('\n');

    // The message ends at the `---` line that precedes the diffstat.
    let message = match body.find("\n---\n") {
        Some(at) => &body[..at],
        None if body.starts_with("---\n") => "",
        None => body,
    };
    out.push_str(&with_notes(message.trim_end(), notes));
    out.push_str("\n---\n");

    let diff = rewrite_paths(diff, prefix)?;
    out.push_str(&diffstat(&diff, scratch)?);
    out.push('\n');
    out.push_str(&diff);
    Ok(out)
}

/// `message` with `notes` as paragraphs before its trailer block (the final
/// paragraph of `Key: value` lines, such as DEP-3's `Spec:` and `Forwarded:`),
/// or at its end.
fn with_notes(message: &str, notes: &[String]) -> String {
    if notes.is_empty() {
        return message.to_owned();
    }
    let mut paragraphs: Vec<&str> = message.split("\n\n").collect();
    let is_trailer_block = |paragraph: &str| {
        paragraph.lines().all(|line| {
            line.starts_with(' ')
                || line.split_once(": ").is_some_and(|(key, _)| {
                    !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        })
    };
    let at = match paragraphs.last() {
        Some(last) if paragraphs.len() > 1 && is_trailer_block(last) => paragraphs.len() - 1,
        _ => paragraphs.len(),
    };
    let notes: Vec<&str> = notes.iter().map(String::as_str).collect();
    paragraphs.splice(at..at, notes);
    paragraphs.join("\n\n")
}

/// Puts every path of a `git diff` under `prefix`: `a/lib.rs` becomes
/// `a/components/net/lib.rs`. Only file headers are rewritten, never hunk
/// lines.
fn rewrite_paths(diff: &str, prefix: &str) -> Result<String> {
    let mut out = String::with_capacity(diff.len() + 256);
    let mut in_header = false;
    for line in diff.split_inclusive('\n') {
        let (content, ending) = match line.strip_suffix('\n') {
            Some(content) => (content, "\n"),
            None => (line, ""),
        };
        if let Some(rest) = content.strip_prefix("diff --git ") {
            in_header = true;
            if rest.starts_with('"') {
                bail!("quoted file names are not supported: {content}");
            }
            let (old, new) = split_git_paths(rest)
                .with_context(|| format!("cannot read the file names of: {content}"))?;
            let (old, new) = (
                old.strip_prefix("a/").context("old name without a/")?,
                new.strip_prefix("b/").context("new name without b/")?,
            );
            write!(out, "diff --git a/{prefix}/{old} b/{prefix}/{new}{ending}")?;
            continue;
        }
        if content.starts_with("@@") {
            in_header = false;
        }
        if !in_header {
            out.push_str(line);
            continue;
        }
        let rewritten = [
            ("--- a/", "--- a/"),
            ("+++ b/", "+++ b/"),
            ("rename from ", "rename from "),
            ("rename to ", "rename to "),
            ("copy from ", "copy from "),
            ("copy to ", "copy to "),
        ]
        .iter()
        .find_map(|(key, head)| {
            content
                .strip_prefix(key)
                .map(|path| format!("{head}{prefix}/{path}{ending}"))
        });
        if content.starts_with("Binary files ") || content == "GIT binary patch" {
            bail!("binary patches are not supported");
        }
        match rewritten {
            Some(rewritten) => out.push_str(&rewritten),
            None => out.push_str(line),
        }
    }
    Ok(out)
}

/// `a/X b/Y` of a `diff --git` line: halves first (the usual `X == Y`), else
/// at the first ` b/`.
fn split_git_paths(rest: &str) -> Option<(&str, &str)> {
    let half = rest.len().checked_sub(1)? / 2;
    if rest.len() % 2 == 1 && rest.is_char_boundary(half) && rest[half..].starts_with(" b/") {
        let (old, new) = (&rest[..half], &rest[half + 1..]);
        if old[2..] == new[2..] {
            return Some((old, new));
        }
    }
    let at = rest.find(" b/")?;
    Some((&rest[..at], &rest[at + 1..]))
}

/// `git apply --stat --summary` of `diff`, as `git format-patch` prints it,
/// run in `scratch`, a directory that is not in a git repository: in one,
/// git would leave out the paths outside the current directory.
fn diffstat(diff: &str, scratch: &Path) -> Result<String> {
    let mut child = Command::new("git")
        .args(["apply", "--stat", "--summary", "-"])
        .current_dir(scratch)
        .env(
            "GIT_CEILING_DIRECTORIES",
            scratch.parent().unwrap_or(scratch),
        )
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running git apply --stat (is git installed?)")?;
    child
        .stdin
        .take()
        .context("no stdin for git apply")?
        .write_all(diff.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "git apply --stat failed:\n{}",
            String::from_utf8_lossy(&output.stderr).trim_end()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The export directory's `README.md`: the series, the mapping, the
/// out-of-tree crates.
fn readme(
    dir: &Path,
    manifest: &Manifest,
    commits: &BTreeMap<String, Option<String>>,
    written: &[(String, &Entry, Vec<&OutOfTree>)],
    out_of_tree: &BTreeMap<PathBuf, OutOfTree>,
) -> Result<String> {
    let mut out = String::new();
    writeln!(out, "# servo-foreign-fetch as a patch series for Servo\n")?;
    writeln!(
        out,
        "Written by `servo-patches export` (`./sff patches export DIR`) from the\n\
         per-crate series under `patches/` of servo-foreign-fetch. The patches are\n\
         made against the crates.io releases below, laid out at their paths in\n\
         Servo's repository; apply them in order to a Servo checkout of the commit\n\
         they were published from:\n\n    cd servo && git am {}/*.patch\n",
        dir.display()
    )?;
    writeln!(out, "## The series\n")?;
    writeln!(out, "| # | patch | from | subject |")?;
    writeln!(out, "| --- | --- | --- | --- |")?;
    for (index, (file_name, entry, _)) in written.iter().enumerate() {
        writeln!(
            out,
            "| {} | `{file_name}` | `patches/{}/{}` | {} |",
            index + 1,
            entry.crate_name,
            entry.patch.file_name,
            entry.patch.subject.replace('|', "\\|")
        )?;
    }
    writeln!(
        out,
        "\nThe order is `[export] order` in `patches/patches.toml`: a patch comes after\n\
         every patch it depends on, and each crate's own series keeps its order.\n\
         A patch that changes an interface between crates may leave the crates that use\n\
         it unbuildable until the patch adapting them, which follows it closely.\n"
    )?;
    writeln!(out, "## Crates and their paths in Servo's tree\n")?;
    writeln!(
        out,
        "| crate | version | Servo path | published from Servo commit |"
    )?;
    writeln!(out, "| --- | --- | --- | --- |")?;
    for (name, base) in &manifest.crates {
        writeln!(
            out,
            "| `{name}` | {} | `{}` | {} |",
            base.version,
            base.servo_path.as_deref().unwrap_or(""),
            match commits.get(name).and_then(Option::as_deref) {
                Some(commit) => format!("`{commit}`"),
                None => "(not recorded)".to_owned(),
            }
        )?;
    }
    writeln!(
        out,
        "\nThe `Cargo.toml` hunks are made against the crates.io `Cargo.toml` (which\n\
         cargo rewrites on publishing), not Servo's: in a Servo checkout, leave them\n\
         out (`git am --exclude='*/Cargo.toml' ...`) and add the dependencies below by\n\
         hand.\n"
    )?;
    writeln!(out, "## Out-of-tree crates\n")?;
    if out_of_tree.is_empty() {
        writeln!(out, "None: the series is self-contained.")?;
        return Ok(out);
    }
    writeln!(
        out,
        "These patches add path dependencies on crates of servo-foreign-fetch that are\n\
         not in Servo's tree; an upstream pull request would move each in-tree.\n"
    )?;
    writeln!(
        out,
        "| crate | in servo-foreign-fetch | uses | needed by | would move to |"
    )?;
    writeln!(out, "| --- | --- | --- | --- | --- |")?;
    for crate_ in out_of_tree.values() {
        let needed_by: Vec<String> = written
            .iter()
            .filter(|(_, _, needs)| needs.iter().any(|n| n.name == crate_.name))
            .map(|(file_name, _, _)| format!("`{file_name}`"))
            .collect();
        let uses: Vec<String> = crate_.uses.iter().map(|u| format!("`{u}`")).collect();
        writeln!(
            out,
            "| `{}` | `{}` | {} | {} | `{}` |",
            crate_.name,
            crate_.repo_path,
            if uses.is_empty() {
                "-".to_owned()
            } else {
                uses.join(", ")
            },
            if needed_by.is_empty() {
                "(through another)".to_owned()
            } else {
                needed_by.join(", ")
            },
            crate_.in_tree
        )?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series() -> BTreeMap<String, Vec<String>> {
        BTreeMap::from([
            (
                "servo-net".to_owned(),
                vec!["0001-a.patch".to_owned(), "0002-b.patch".to_owned()],
            ),
            (
                "servo-net-traits".to_owned(),
                vec!["0001-c.patch".to_owned()],
            ),
        ])
    }

    fn config(order: &[&str]) -> ExportConfig {
        ExportConfig {
            order: order.iter().map(|s| (*s).to_owned()).collect(),
            out_of_tree: BTreeMap::new(),
        }
    }

    #[test]
    fn a_complete_order_across_crates_is_accepted() {
        let order = global_order(
            &config(&[
                "servo-net/0001-a.patch",
                "servo-net-traits/0001-c.patch",
                "servo-net/0002-b.patch",
            ]),
            &series(),
        )
        .unwrap();
        assert_eq!(
            order,
            [
                ("servo-net".to_owned(), 0),
                ("servo-net-traits".to_owned(), 0),
                ("servo-net".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn missing_duplicate_unknown_and_reordered_patches_are_all_reported() {
        let error = global_order(
            &config(&[
                "servo-net/0002-b.patch",
                "servo-net/0001-a.patch",
                "servo-net/0001-a.patch",
                "servo-net/0003-gone.patch",
                "servo-script/0001-x.patch",
                "no-slash",
            ]),
            &series(),
        )
        .unwrap_err()
        .to_string();
        for expected in [
            "\"servo-net/0001-a.patch\" is listed more than once",
            "\"servo-net/0003-gone.patch\": no such patch in patches/servo-net/",
            "servo-script is not a patched crate",
            "\"no-slash\" is not of the form",
            "servo-net-traits/0001-c.patch is not listed",
            "servo-net/0002-b.patch is listed before servo-net/0001-a.patch",
        ] {
            assert!(error.contains(expected), "{expected:?} not in:\n{error}");
        }
    }

    const PATCH: &str = "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: A <a@example.org>
Date: Sat, 21 Nov 2026 02:20:15 +0000
Subject: [PATCH] net: Call the hook
 in HTTP fetch

Why.

Spec: https://example.org/
Forwarded: not-needed (a long
 explanation)
---
 Cargo.toml | 1 +
 1 file changed, 1 insertion(+)

diff --git a/Cargo.toml b/Cargo.toml
index b341f0b..9f26119 100644
--- a/Cargo.toml
+++ b/Cargo.toml
@@ -1,2 +1,4 @@
 [dependencies.a]
--- a/not-a-header
+[dependencies.foreign-fetch-net]
+path = \"../../components/net\"
+x = { path = \"../y\", version = \"1\" }
diff --git a/dir/new file.rs b/dir/new file.rs
new file mode 100644
--- /dev/null
+++ b/dir/new file.rs
@@ -0,0 +1 @@
+new
";

    #[test]
    fn paths_move_under_the_servo_path_and_the_message_gets_notes() {
        let scratch =
            std::env::temp_dir().join(format!("servo-patches-export-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch).unwrap();
        let text = rewrite_patch(
            PATCH,
            "components/net",
            "[PATCH 2/9] net: Call the hook in HTTP fetch",
            &["Depends on X.".to_owned()],
            &scratch,
        )
        .unwrap();
        std::fs::remove_dir_all(&scratch).unwrap();
        let expected_head = "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: A <a@example.org>
Date: Sat, 21 Nov 2026 02:20:15 +0000
Subject: [PATCH 2/9] net: Call the hook in HTTP fetch

Why.

Depends on X.

Spec: https://example.org/
Forwarded: not-needed (a long
 explanation)
---
 components/net/Cargo.toml";
        assert!(text.starts_with(expected_head), "{text}");
        for line in [
            "diff --git a/components/net/Cargo.toml b/components/net/Cargo.toml\n",
            "--- a/components/net/Cargo.toml\n+++ b/components/net/Cargo.toml\n",
            // A removed line that looks like a file header stays as it was.
            "\n--- a/not-a-header\n",
            "diff --git a/components/net/dir/new file.rs b/components/net/dir/new file.rs\n",
            "--- /dev/null\n+++ b/components/net/dir/new file.rs\n",
        ] {
            assert!(text.contains(line), "{line:?} not in:\n{text}");
        }
        assert!(
            text.contains(" create mode 100644 components/net/dir/new file.rs"),
            "{text}"
        );
    }

    #[test]
    fn path_dependencies_added_to_cargo_toml_are_found() {
        assert_eq!(added_cargo_paths(PATCH), ["../../components/net", "../y"]);
        assert_eq!(
            normalize(Path::new(
                "/r/.patched/servo-net-0.7.0/../../components/net"
            )),
            Path::new("/r/components/net")
        );
    }

    #[test]
    fn notes_go_at_the_end_without_a_trailer_block() {
        assert_eq!(
            with_notes("Subject line body.\n\nMore prose.", &["N.".to_owned()]),
            "Subject line body.\n\nMore prose.\n\nN."
        );
        assert_eq!(wrap("aa bb cc", 5), "aa bb\ncc");
    }
}
