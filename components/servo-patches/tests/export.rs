/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! `export` on the project's real series, proven with `git am`: the pristine
//! crates are laid out as Servo's tree in a git repository (`servo-tree`),
//! the exported set is applied there by `git am`, one commit per patch in
//! the `[export]` order, and every crate directory must then be identical to
//! what the tool's own `apply` produces. Uses the real crates.io archives
//! (fetched by cargo if they are not cached).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use walkdir::WalkDir;

/// Where each patched crate lives in Servo's repository, written down
/// independently of `patches/patches.toml` (each crate's
/// `.cargo_vcs_info.json` records the same `path_in_vcs`).
const SERVO_PATHS: &[(&str, &str)] = &[
    ("servo-config", "components/config"),
    ("servo-constellation", "components/constellation"),
    (
        "servo-constellation-traits",
        "components/shared/constellation",
    ),
    ("servo-net", "components/net"),
    ("servo-net-traits", "components/shared/net"),
    ("servo-script", "components/script"),
    ("servo-script-bindings", "components/script_bindings"),
    ("servo-storage", "components/storage"),
    ("servo-storage-traits", "components/shared/storage"),
];

fn repo_root() -> PathBuf {
    // At run time, not compile time: cargo may reuse a test binary built in
    // another clone (the target dir is shared), whose path is baked into
    // env!("CARGO_MANIFEST_DIR").
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo test")).join("../..")
}

/// A copy of what the tool reads from the repository (`patches/`, the
/// top-level `Cargo.toml`, our crates' `Cargo.toml`), so that nothing runs
/// against the real clone or its cache.
fn scratch_workspace(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let root = repo_root();
    for entry in WalkDir::new(root.join("patches")) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(&root).unwrap();
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(dir.join(relative)).unwrap();
        } else {
            std::fs::copy(entry.path(), dir.join(relative)).unwrap();
        }
    }
    std::fs::copy(root.join("Cargo.toml"), dir.join("Cargo.toml")).unwrap();
    for entry in std::fs::read_dir(root.join("components")).unwrap() {
        let crate_dir = entry.unwrap().path();
        let manifest = crate_dir.join("Cargo.toml");
        if manifest.is_file() {
            let target = dir.join("components").join(crate_dir.file_name().unwrap());
            std::fs::create_dir_all(&target).unwrap();
            std::fs::copy(&manifest, target.join("Cargo.toml")).unwrap();
        }
    }
    dir
}

fn tool(root: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_servo-patches"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("SERVO_FF_CACHE", root.join("cache"))
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@localhost"])
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?} failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every file under `dir` (relative path -> content), `.git` left out.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .filter_entry(|entry| entry.file_name() != ".git")
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            (
                entry.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

/// The unfolded subject of a `git format-patch` mail, without `[PATCH]`.
fn subject(mail: &str) -> String {
    let mut lines = mail.lines().skip_while(|l| !l.starts_with("Subject: "));
    let mut subject = lines.next().unwrap()["Subject: ".len()..].to_owned();
    for continuation in lines.take_while(|l| l.starts_with(' ')) {
        subject.push_str(continuation);
    }
    subject
        .strip_prefix("[PATCH] ")
        .unwrap_or(&subject)
        .to_owned()
}

#[test]
fn the_exported_series_applies_to_servos_tree_with_git_am() {
    let root = scratch_workspace("export");
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(root.join("patches/patches.toml")).unwrap())
            .unwrap();
    let crates = manifest["crates"].as_table().unwrap();
    for (name, expected) in SERVO_PATHS {
        assert_eq!(
            crates[*name]["servo-path"].as_str(),
            Some(*expected),
            "servo-path of {name}"
        );
    }
    assert_eq!(
        crates.len(),
        SERVO_PATHS.len(),
        "a patched crate is not mapped"
    );

    // The tool's own result, and the pristine crates as Servo's tree.
    let (ok, stderr) = tool(&root, &["apply"]);
    assert!(ok, "{stderr}");
    let servo = root.join("servo");
    let (ok, stderr) = tool(&root, &["servo-tree", servo.to_str().unwrap()]);
    assert!(ok, "{stderr}");

    let series = root.join("series");
    let (ok, stderr) = tool(&root, &["export", series.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let mut exported: Vec<PathBuf> = std::fs::read_dir(&series)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "patch"))
        .collect();
    exported.sort();
    let order: Vec<&str> = manifest["export"]["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry.as_str().unwrap())
        .collect();
    assert_eq!(exported.len(), order.len());
    for (index, path) in exported.iter().enumerate() {
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(&format!("{:04}-", index + 1)), "{name}");
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            text.contains(&format!("/{}] ", order.len())),
            "{name} has no [PATCH n/N] subject"
        );
    }

    // A copy of the tree as it is in Servo's git repository: cargo rewrote
    // each `Cargo.toml` on publishing and kept Servo's as `Cargo.toml.orig`.
    let servo_git = root.join("servo-git");
    git(
        &root,
        &[
            "clone",
            "-q",
            servo.to_str().unwrap(),
            servo_git.to_str().unwrap(),
        ],
    );
    for (_, servo_path) in SERVO_PATHS {
        let dir = servo_git.join(servo_path);
        std::fs::rename(dir.join("Cargo.toml.orig"), dir.join("Cargo.toml")).unwrap();
        for packaging in [".cargo_vcs_info.json", "Cargo.lock"] {
            let _ = std::fs::remove_file(dir.join(packaging));
        }
    }
    git(
        &servo_git,
        &["commit", "-q", "-a", "-m", "Servo's own Cargo.toml files"],
    );

    // `git am` takes the whole set, one commit per patch, in the [export] order.
    let mut am = vec!["am", "--quiet"];
    am.extend(exported.iter().map(|path| path.to_str().unwrap()));
    git(&servo, &am);
    assert_eq!(git(&servo, &["status", "--porcelain"]), "");
    let since_pristine = format!("HEAD~{}..", order.len());
    let subjects: Vec<String> = git(
        &servo,
        &["log", "--reverse", "--format=%s", &since_pristine],
    )
    .lines()
    .map(str::to_owned)
    .collect();
    let expected: Vec<String> = order
        .iter()
        .map(|entry| subject(&std::fs::read_to_string(root.join("patches").join(entry)).unwrap()))
        .collect();
    assert_eq!(subjects, expected);
    assert_eq!(
        git(&servo, &["rev-list", "--count", "HEAD"]).trim(),
        (order.len() + 1).to_string()
    );

    // Every crate of the resulting tree is exactly what `apply` produced, and
    // nothing was written outside the crates.
    let tree = files(&servo);
    for (name, servo_path) in SERVO_PATHS {
        let version = crates[*name]["version"].as_str().unwrap();
        let patched = files(&root.join(format!("cache/patched/{name}-{version}")));
        let applied = files(&servo.join(servo_path));
        assert!(!patched.is_empty());
        let differ: Vec<_> = patched
            .keys()
            .chain(applied.keys())
            .filter(|path| patched.get(*path) != applied.get(*path))
            .collect();
        assert!(
            differ.is_empty(),
            "{name}: git am and apply differ in {differ:?}"
        );
    }
    let outside: Vec<_> = tree
        .keys()
        .filter(|path| !SERVO_PATHS.iter().any(|(_, dir)| path.starts_with(dir)))
        .collect();
    assert!(outside.is_empty(), "files outside the crates: {outside:?}");

    // In Servo's own tree, the series applies as docs/upstreaming.md says:
    // everything but the Cargo.toml hunks, which are left to the reader.
    let mut am = vec!["am", "--quiet", "--exclude=*/Cargo.toml"];
    am.extend(exported.iter().map(|path| path.to_str().unwrap()));
    git(&servo_git, &am);
    for (name, servo_path) in SERVO_PATHS {
        let version = crates[*name]["version"].as_str().unwrap();
        let mut patched = files(&root.join(format!("cache/patched/{name}-{version}")));
        let mut applied = files(&servo_git.join(servo_path));
        let servo_manifest = patched.remove(Path::new("Cargo.toml.orig"));
        assert_eq!(applied.remove(Path::new("Cargo.toml")), servo_manifest);
        for packaging in ["Cargo.toml", ".cargo_vcs_info.json", "Cargo.lock"] {
            patched.remove(Path::new(packaging));
        }
        assert!(
            patched == applied,
            "{name}: in Servo's own layout, git am and apply differ"
        );
    }

    // The out-of-tree crates are named in the messages and the README.
    let messages = git(&servo, &["log", "--format=%B", &since_pristine]);
    for crate_ in ["foreign-fetch-net", "sw-lifecycle"] {
        assert!(
            messages.contains(&format!("Depends on the out-of-tree crate {crate_} ")),
            "no note about {crate_} in:\n{messages}"
        );
    }
    let readme = std::fs::read_to_string(series.join("README.md")).unwrap();
    for (name, servo_path) in SERVO_PATHS {
        assert!(
            readme.contains(&format!("| `{name}` | 0.7.0 | `{servo_path}` | `")),
            "{readme}"
        );
    }
    assert!(readme.contains("| `foreign-fetch` |"), "{readme}");
}

#[test]
fn an_incomplete_or_reordered_export_order_is_refused() {
    let root = scratch_workspace("export-order");
    let manifest = root.join("patches/patches.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    // The `[export] order` line of a patch, found by crate and number so
    // that renaming a patch (its subject) does not break this test.
    let entry = |prefix: &str| -> (String, String) {
        let line = text
            .lines()
            .find(|line| line.trim_start().starts_with(&format!("\"{prefix}")))
            .unwrap_or_else(|| panic!("no [export] order entry for {prefix}"));
        let name = line
            .trim()
            .trim_end_matches(',')
            .trim_matches('"')
            .to_owned();
        (format!("{line}\n"), name)
    };
    let (traits, traits_name) = entry("servo-net-traits/0001-");
    let (net_0001, net_0001_name) = entry("servo-net/0001-");
    let (net_0002, net_0002_name) = entry("servo-net/0002-");

    // servo-net-traits 0001 left out, servo-net 0002 listed twice.
    std::fs::write(&manifest, text.replace(&traits, &net_0002)).unwrap();
    let (ok, stderr) = tool(&root, &["export", root.join("out").to_str().unwrap()]);
    assert!(!ok);
    for expected in [
        format!("{traits_name} is not listed"),
        format!("\"{net_0002_name}\" is listed more than once"),
    ] {
        assert!(stderr.contains(&expected), "{expected:?} not in:\n{stderr}");
    }

    // servo-net 0002 before servo-net 0001.
    let swapped = text
        .replace(&net_0001, "NET_0001")
        .replace(&net_0002, &net_0001)
        .replace("NET_0001", &net_0002);
    std::fs::write(&manifest, swapped).unwrap();
    let (ok, stderr) = tool(&root, &["export", root.join("out").to_str().unwrap()]);
    assert!(!ok);
    let expected = format!(
        "{net_0002_name} is listed before {}",
        &net_0001_name[..net_0001_name.find("-net-").unwrap_or(net_0001_name.len())]
    );
    assert!(stderr.contains(&expected), "{expected:?} not in:\n{stderr}");
    assert!(!root.join("out").exists(), "a refused export wrote files");
}
