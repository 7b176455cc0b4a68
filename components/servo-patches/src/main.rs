/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! `servo-patches`: keeps Servo's crates pristine from crates.io and applies
//! our patch series (`patches/<crate>/NNNN-*.patch`) into a build directory
//! outside git, which the workspace uses through `[patch.crates-io]`.
//!
//! Why not `cargo-patch` or `patch-crate`: both write the patched copy into
//! the cargo target directory of the clone and take the pristine source from
//! whatever cargo happened to unpack, without checking it against a pinned
//! checksum; neither names the failing hunk, and neither turns edits back into
//! `git format-patch` files. Our target directory lives outside the clone and
//! is shared by every clone on the machine, so the patched sources must live at
//! a stable place outside git too (see [`layout`]).

mod apply;
mod edit;
mod export;
mod layout;
mod manifest;
mod pristine;
mod series;
mod sync;

use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::layout::Layout;
use crate::manifest::Manifest;

const USAGE: &str = "\
servo-patches: apply the patch series under patches/ to pristine Servo crates

USAGE:
    servo-patches [--root DIR] [COMMAND]

COMMANDS:
    apply           Materialize every patched crate into the build cache and
                    link it as .patched/ (the default; fast when nothing changed)
    check           Apply every series to a scratch copy, and check the
                    [export] order of patches/patches.toml; change nothing else
    list            Show the patched crates, their pinned base and their series
    edit CRATE      Make an editable git copy of CRATE: the pristine source as
                    the first commit (tag `pristine`), then one commit per patch
    refresh CRATE   Turn the commits of the editable copy back into
                    patches/CRATE/NNNN-*.patch, then apply
    export DIR      Write every series as one ordered `git am`-able patch
                    set for Servo's repository (paths under each crate's
                    servo-path), with a README.md, into DIR
    servo-tree DIR  Lay out the pristine crates at their Servo paths in DIR,
                    a new git repository to try an exported series on
    help            Show this text

ENVIRONMENT:
    SERVO_FF_CACHE  Build cache (default: $XDG_CACHE_HOME/servo-foreign-fetch,
                    or ~/.cache/servo-foreign-fetch)
    CARGO_HOME      Where cargo keeps the registry (default: ~/.cargo)
";

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info"))
        .format_target(false)
        .format_timestamp(None)
        .init();
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("servo-patches: error: {error:#}");
            ExitCode::FAILURE
        },
    }
}

fn run(mut args: Vec<String>) -> Result<()> {
    let mut root = None;
    if args.first().map(String::as_str) == Some("--root") {
        args.remove(0);
        if args.is_empty() {
            bail!("--root needs a directory\n\n{USAGE}");
        }
        root = Some(std::path::PathBuf::from(args.remove(0)));
    }
    let command = if args.is_empty() {
        "apply".to_owned()
    } else {
        args.remove(0)
    };
    if command == "help" || command == "--help" || command == "-h" {
        print!("{USAGE}");
        return Ok(());
    }

    let layout = Layout::discover(root)?;
    let manifest = Manifest::load(&layout)?;
    let crate_arg = |args: &[String]| -> Result<String> {
        match args {
            [name] if manifest.crates.contains_key(name) => Ok(name.clone()),
            [name] => bail!(
                "{name} is not a patched crate (patches/patches.toml lists: {})",
                manifest.names().join(", ")
            ),
            _ => bail!("`{command}` takes one crate name\n\n{USAGE}"),
        }
    };
    let dir_arg = |args: &[String]| -> Result<std::path::PathBuf> {
        match args {
            [dir] => Ok(std::path::PathBuf::from(dir)),
            _ => bail!("`{command}` takes one directory\n\n{USAGE}"),
        }
    };

    match command.as_str() {
        "apply" if args.is_empty() => apply::apply_all(&layout, &manifest),
        "check" if args.is_empty() => {
            apply::check_all(&layout, &manifest)?;
            export::check(&layout, &manifest)
        },
        "list" if args.is_empty() => list(&layout, &manifest),
        "export" => export::export(&layout, &manifest, &dir_arg(&args)?),
        "servo-tree" => export::servo_tree(&layout, &manifest, &dir_arg(&args)?),
        "edit" => edit::edit(&layout, &manifest, &crate_arg(&args)?),
        "refresh" => {
            let name = crate_arg(&args)?;
            edit::refresh(&layout, &manifest, &name)?;
            apply::apply_all(&layout, &manifest)
        },
        _ => bail!("unknown command or extra arguments: {command} {args:?}\n\n{USAGE}"),
    }
}

fn list(layout: &Layout, manifest: &Manifest) -> Result<()> {
    for (name, base) in &manifest.crates {
        match &base.servo_path {
            Some(servo_path) => println!(
                "{name} {} (sha256 {}), {servo_path} in Servo's tree",
                base.version, base.checksum
            ),
            None => println!("{name} {} (sha256 {})", base.version, base.checksum),
        }
        let series = series::Series::load(layout, name)
            .with_context(|| format!("reading the series of {name}"))?;
        for patch in &series.patches {
            println!("    {}  {}", patch.file_name, patch.subject);
        }
    }
    Ok(())
}
