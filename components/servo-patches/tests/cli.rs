/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The patch tool on a scratch workspace: a clean series applies, a broken
//! one fails naming the patch and the hunk, and the workspace wiring is
//! checked. Uses the real `servo-net` 0.7.0 archive (fetched by cargo).

use std::path::{Path, PathBuf};
use std::process::Command;

const NET_CHECKSUM: &str = "98af1ef87ba1355f3fae135c4b4ff26b52b75bf5eea1802751ecf3ba5ce65f15";

fn repo_root() -> PathBuf {
    // At run time, not compile time: cargo may reuse a test binary built in
    // another clone (the target dir is shared), whose path is baked into
    // env!("CARGO_MANIFEST_DIR").
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo test")).join("../..")
}

/// A workspace with the project's real `servo-net` series, optionally
/// edited, and its own cache.
fn scratch(name: &str, edit_patch: impl Fn(String) -> String, wire: bool) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("patches/servo-net")).unwrap();
    std::fs::write(
        dir.join("patches/patches.toml"),
        format!("[crates.servo-net]\nversion = \"0.7.0\"\nchecksum = \"{NET_CHECKSUM}\"\n"),
    )
    .unwrap();
    let patch_cargo = if wire {
        "[patch.crates-io]\nservo-net = { path = \".patched/servo-net-0.7.0\" }\n"
    } else {
        ""
    };
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[workspace]\nmembers = []\n{patch_cargo}"),
    )
    .unwrap();
    for entry in std::fs::read_dir(repo_root().join("patches/servo-net")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            dir.join("patches/servo-net")
                .join(path.file_name().unwrap()),
            edit_patch(text),
        )
        .unwrap();
    }
    dir
}

fn run(root: &Path, args: &[&str]) -> (bool, String) {
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

#[test]
fn the_series_applies_and_reapplying_is_a_no_op() {
    let root = scratch("clean", |text| text, true);
    let (ok, stderr) = run(&root, &["apply"]);
    assert!(ok, "{stderr}");
    assert!(stderr.contains("patch(es) applied"), "{stderr}");
    let patched = root.join(".patched/servo-net-0.7.0/http_loader.rs");
    let text = std::fs::read_to_string(&patched).unwrap();
    assert!(text.contains("foreign_fetch_net::handle_foreign_fetch("));
    let modified = std::fs::metadata(&patched).unwrap().modified().unwrap();

    let (ok, stderr) = run(&root, &["apply"]);
    assert!(ok, "{stderr}");
    assert!(
        !stderr.contains("applied"),
        "second apply did work: {stderr}"
    );
    assert_eq!(
        std::fs::metadata(&patched).unwrap().modified().unwrap(),
        modified
    );
}

#[test]
fn a_broken_context_line_names_the_patch_and_the_hunk() {
    let root = scratch(
        "broken",
        |text| {
            text.replacen(
                " // Set response to the result of invoking handle fetch for request.",
                " // This context line is not in servo-net 0.7.0.",
                1,
            )
        },
        true,
    );
    let (ok, stderr) = run(&root, &["check"]);
    assert!(!ok, "a broken patch applied: {stderr}");
    assert!(
        stderr.contains("patches/servo-net/0001-net-Call-the-foreign-fetch-hook-in-HTTP-fetch-step-3.patch does not apply to servo-net 0.7.0"),
        "{stderr}"
    );
    assert!(stderr.contains("hunk #1 of http_loader.rs"), "{stderr}");
    // `apply` fails the same way and leaves no half-patched crate behind.
    let (ok, _) = run(&root, &["apply"]);
    assert!(!ok);
    assert!(!root.join("cache/patched/servo-net-0.7.0").exists());
}

#[test]
fn a_patched_crate_missing_from_cargo_toml_is_an_error() {
    let root = scratch("unwired", |text| text, false);
    let (ok, stderr) = run(&root, &["apply"]);
    assert!(!ok);
    assert!(
        stderr.contains("[patch.crates-io] does not"),
        "unexpected message: {stderr}"
    );
}

#[test]
fn a_wrong_checksum_is_refused() {
    let root = scratch("checksum", |text| text, true);
    let manifest = root.join("patches/patches.toml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace(NET_CHECKSUM, &"0".repeat(64));
    std::fs::write(&manifest, text).unwrap();
    let (ok, stderr) = run(&root, &["check"]);
    assert!(!ok);
    assert!(stderr.contains("refusing to patch"), "{stderr}");
}
