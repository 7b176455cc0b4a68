/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Command-line parsing for `servo-ff`.
//!
//! Hand-written on purpose (no clap) so the shell adds no crates to the build.
//! Every error is returned as a message; the caller maps it to exit code 64.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The `--help` text. Keep in sync with `components/shell/README.md`.
pub const USAGE: &str = "\
servo-ff: headless Servo (libservo 0.7.0) shell for servo-foreign-fetch

USAGE:
    servo-ff [OPTIONS] URL

Loads URL in a single headless (software-rendered) WebView and prints
every console message to stdout, one line each:

    [page] <level> <message>   console of the page (and its iframes and
                               dedicated/shared workers)
    [sw] <level> <message>     console of service workers
    [shell] load complete      the top-level document reached
                               LoadStatus::Complete

<level> is one of log, debug, info, warn, error, trace, dir. A multi-line
message is printed as several lines, each carrying the prefix. stdout is
flushed after every line.

The shell exits 0 as soon as the page logs a console message that is
exactly `servo-ff:done` (that line is printed, and is the last [page]/[sw]
line).

OPTIONS:
    --pref NAME=VALUE   Set a Servo preference (servo-config 0.7.0 field
                        name, e.g. dom_serviceworker_enabled). Repeatable;
                        later values win. VALUE is parsed as bool
                        (true/false), then i64, then f64, else string, and
                        must fit the preference's type (an integer is
                        accepted for a float pref; string prefs take VALUE
                        verbatim). Unknown name or bad value: exit 64.
    --hosts-file PATH   Hosts file (/etc/hosts format) used by Servo's
                        network stack to resolve host names; sets HOST_FILE
                        before Servo starts.
    --certificate-path FILE
                        PEM file of CA certificates to trust for HTTPS, in
                        addition to the system's roots (Servo's
                        Opts.certificate_path). A file that cannot be read
                        or holds no certificate: exit 64. Certificate errors
                        are never ignored.
    --profile DIR       Keep the profile in DIR (created if missing; Servo's
                        Opts.config_dir): client storage, the Cache API's
                        databases and the service worker registrations, so
                        a cache filled or a worker activated in one run is
                        there in the next. Without it, every run has a new
                        profile in a temporary directory, removed at exit.
    --timeout SECONDS   Give up after SECONDS (default 30; decimals allowed).
    --window-size WxH   Viewport size in pixels (default 800x600).
    --show-registrations[=table|json]
                        At exit, print every service worker registration
                        the shell holds (scope, script URL, how it was
                        registered: register(), a Link header and the
                        response it came on, or <link rel=serviceworker>;
                        each worker's state; foreign fetch scopes and
                        origins), each line prefixed with `[registrations] `.
                        `json` prints one line holding a JSON array. The
                        page can also ask for the list at any time by
                        logging `servo-ff:show-registrations`.
    -h, --help          Print this help and exit 0.
    -V, --version       Print the version and exit 0.
    Options also accept the --name=value form; `--` ends the options.

DEFAULT PREFERENCES (before --pref is applied):
    dom_serviceworker_enabled=true
    dom_indexeddb_enabled=true  (needed by serviceWorker.register() in 0.7.0)
    network_http_proxy_uri=\"\"  network_https_proxy_uri=\"\"

EXIT STATUS:
    0    the page logged `servo-ff:done`
    2    timeout: `servo-ff: timeout after N s (no servo-ff:done)` on stderr
    3    load failure: URL does not parse, or the top-level load failed
         (Servo showed its network-error or certificate-error page)
    4    crash: the page's content crashed or Servo lost its backend;
         reason and backtrace on stderr
    64   usage error

ENVIRONMENT:
    RUST_LOG    env_logger filter for diagnostics on stderr (default: error)
    HOST_FILE   used as the hosts file when --hosts-file is not given
";

pub const DEFAULT_TIMEOUT_SECS: f64 = 30.0;
pub const DEFAULT_WINDOW_SIZE: (u32, u32) = (800, 600);

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub url: String,
    /// `(name, raw value)` pairs, in command-line order.
    pub prefs: Vec<(String, String)>,
    pub hosts_file: Option<PathBuf>,
    /// Extra trusted CA certificates (PEM), for `Opts::certificate_path`.
    pub certificate_path: Option<PathBuf>,
    /// `--profile`: the profile directory, for `Opts::config_dir`.
    pub profile: Option<PathBuf>,
    /// Seconds, as given (for messages).
    pub timeout_secs: f64,
    pub timeout: Duration,
    pub window_size: (u32, u32),
    /// `--show-registrations`: print the registrations at exit, so.
    pub show_registrations: Option<RegistrationsFormat>,
}

/// How `--show-registrations` prints the registrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegistrationsFormat {
    /// One block of lines per registration, for people.
    #[default]
    Table,
    /// A JSON array on one line, for programs.
    Json,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Run(Options),
    Help,
    Version,
}

/// Parse the arguments, not including the program name.
pub fn parse<I>(args: I) -> Result<Command, String>
where
    I: IntoIterator<Item = OsString>,
{
    let mut args = args.into_iter();
    let mut url: Option<String> = None;
    let mut prefs = Vec::new();
    let mut hosts_file = None;
    let mut certificate_path = None;
    let mut profile = None;
    let mut timeout_secs = DEFAULT_TIMEOUT_SECS;
    let mut window_size = DEFAULT_WINDOW_SIZE;
    let mut show_registrations = None;
    let mut only_positional = false;

    while let Some(arg) = args.next() {
        let Some(arg) = arg.to_str().map(str::to_owned) else {
            return Err(format!(
                "argument is not valid UTF-8: {}",
                arg.to_string_lossy()
            ));
        };

        if only_positional || !arg.starts_with('-') || arg == "-" {
            if let Some(previous) = &url {
                return Err(format!(
                    "only one URL may be given (got `{previous}` and `{arg}`)"
                ));
            }
            url = Some(arg);
            continue;
        }

        match arg.as_str() {
            "--" => {
                only_positional = true;
                continue;
            },
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            _ => {},
        }

        let (name, inline_value) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        // The one option whose value is optional (and only inline).
        if name == "--show-registrations" {
            show_registrations = Some(match inline_value.as_deref() {
                None | Some("table") => RegistrationsFormat::Table,
                Some("json") => RegistrationsFormat::Json,
                Some(other) => {
                    return Err(format!(
                        "--show-registrations takes `table` or `json`, not `{other}`"
                    ));
                },
            });
            continue;
        }
        if !matches!(
            name,
            "--pref"
                | "--hosts-file"
                | "--certificate-path"
                | "--profile"
                | "--timeout"
                | "--window-size"
        ) {
            return Err(format!("unknown option `{name}`"));
        }
        let value = match inline_value {
            Some(value) => value,
            None => match args.next() {
                Some(value) => value
                    .into_string()
                    .map_err(|value| format!("value of {name} is not valid UTF-8: {value:?}"))?,
                None => return Err(format!("option {name} needs a value")),
            },
        };

        match name {
            "--pref" => prefs.push(parse_pref_assignment(&value)?),
            "--hosts-file" => {
                if value.is_empty() {
                    return Err("--hosts-file needs a non-empty PATH".into());
                }
                hosts_file = Some(PathBuf::from(value));
            },
            "--certificate-path" => {
                if value.is_empty() {
                    return Err("--certificate-path needs a non-empty FILE".into());
                }
                certificate_path = Some(PathBuf::from(value));
            },
            "--profile" => {
                if value.is_empty() {
                    return Err("--profile needs a non-empty DIR".into());
                }
                profile = Some(PathBuf::from(value));
            },
            "--timeout" => timeout_secs = parse_timeout(&value)?,
            "--window-size" => window_size = parse_window_size(&value)?,
            _ => unreachable!("checked above"),
        }
    }

    let Some(url) = url else {
        return Err("missing URL".into());
    };
    Ok(Command::Run(Options {
        url,
        prefs,
        hosts_file,
        certificate_path,
        profile,
        timeout_secs,
        timeout: Duration::from_secs_f64(timeout_secs),
        window_size,
        show_registrations,
    }))
}

/// Check a `--certificate-path` file before Servo starts: servo-net 0.7.0
/// silently falls back to the system roots alone when it cannot read the
/// file, and skips certificates it cannot parse. Returns how many
/// certificates the file holds (at least one).
pub fn check_certificate_file(path: &Path) -> Result<usize, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;

    let data = std::fs::read(path).map_err(|error| error.to_string())?;
    let mut count = 0;
    for certificate in CertificateDer::pem_slice_iter(&data) {
        certificate.map_err(|error| format!("bad PEM certificate: {error}"))?;
        count += 1;
    }
    if count == 0 {
        return Err("no PEM certificate (-----BEGIN CERTIFICATE-----) in the file".into());
    }
    Ok(count)
}

fn parse_pref_assignment(value: &str) -> Result<(String, String), String> {
    match value.split_once('=') {
        Some((name, raw)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), raw.to_owned()))
        },
        _ => Err(format!("--pref expects NAME=VALUE, got `{value}`")),
    }
}

/// Upper bound keeps `Duration::from_secs_f64` far away from overflowing.
const MAX_TIMEOUT_SECS: f64 = 1.0e9;

fn parse_timeout(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs > 0.0 && secs <= MAX_TIMEOUT_SECS => Ok(secs),
        _ => Err(format!(
            "--timeout expects a positive number of seconds, got `{value}`"
        )),
    }
}

fn parse_window_size(value: &str) -> Result<(u32, u32), String> {
    let error = || {
        format!("--window-size expects WxH with positive integers (e.g. 800x600), got `{value}`")
    };
    let (width, height) = value.split_once(['x', 'X']).ok_or_else(error)?;
    let width: u32 = width.trim().parse().map_err(|_| error())?;
    let height: u32 = height.trim().parse().map_err(|_| error())?;
    // Keep well below what a software GL context can allocate.
    if width == 0 || height == 0 || width > 16384 || height > 16384 {
        return Err(error());
    }
    Ok((width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(OsString::from))
    }

    fn options(args: &[&str]) -> Options {
        match run(args) {
            Ok(Command::Run(options)) => options,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        let o = options(&["http://127.0.0.1:8000/"]);
        assert_eq!(o.url, "http://127.0.0.1:8000/");
        assert!(o.prefs.is_empty());
        assert_eq!(o.hosts_file, None);
        assert_eq!(o.certificate_path, None);
        assert_eq!(o.profile, None);
        assert_eq!(o.timeout, Duration::from_secs(30));
        assert_eq!(o.window_size, (800, 600));
        assert_eq!(o.show_registrations, None);
    }

    #[test]
    fn show_registrations() {
        let table = options(&["--show-registrations", "u"]);
        assert_eq!(table.show_registrations, Some(RegistrationsFormat::Table));
        assert_eq!(table.url, "u", "the flag takes no separate value");
        let json = options(&["--show-registrations=json", "u"]);
        assert_eq!(json.show_registrations, Some(RegistrationsFormat::Json));
        assert!(run(&["--show-registrations=xml", "u"]).is_err());
    }

    #[test]
    fn all_options_both_forms() {
        let o = options(&[
            "--pref",
            "a_b=1",
            "--pref=c=x=y",
            "--hosts-file",
            "/tmp/hosts",
            "--certificate-path=/tmp/ca.pem",
            "--profile",
            "/tmp/profile",
            "--timeout=2.5",
            "--window-size",
            "1024x768",
            "u",
        ]);
        assert_eq!(
            o.prefs,
            vec![("a_b".into(), "1".into()), ("c".into(), "x=y".into())]
        );
        assert_eq!(o.hosts_file, Some(PathBuf::from("/tmp/hosts")));
        assert_eq!(o.certificate_path, Some(PathBuf::from("/tmp/ca.pem")));
        assert_eq!(o.profile, Some(PathBuf::from("/tmp/profile")));
        assert_eq!(o.timeout, Duration::from_millis(2500));
        assert_eq!(o.window_size, (1024, 768));
        assert_eq!(o.url, "u");
    }

    #[test]
    fn profile_needs_a_directory() {
        assert!(run(&["--profile=", "u"]).is_err());
        assert!(run(&["u", "--profile"]).is_err());
    }

    #[test]
    fn help_and_version() {
        assert_eq!(run(&["--help"]), Ok(Command::Help));
        assert_eq!(run(&["x", "-h"]), Ok(Command::Help));
        assert_eq!(run(&["-V"]), Ok(Command::Version));
    }

    #[test]
    fn double_dash() {
        assert_eq!(options(&["--", "--weird"]).url, "--weird");
    }

    #[test]
    fn errors() {
        for args in [
            &[][..],
            &["--timeout", "0", "u"],
            &["--timeout", "-1", "u"],
            &["--timeout", "NaN", "u"],
            &["--timeout", "inf", "u"],
            &["--timeout", "abc", "u"],
            &["--window-size", "800", "u"],
            &["--window-size", "0x600", "u"],
            &["--window-size", "axb", "u"],
            &["--pref", "novalue", "u"],
            &["--pref", "=1", "u"],
            &["--pref"],
            &["--bogus", "u"],
            &["-x", "u"],
            &["a", "b"],
            &["--hosts-file=", "u"],
            &["--certificate-path=", "u"],
            &["--certificate-path"],
        ] {
            assert!(run(args).is_err(), "{args:?} should fail");
        }
    }

    #[test]
    fn certificate_file() {
        let dir = std::env::temp_dir().join(format!("servo-ff-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        // Any DER body will do: the check counts PEM blocks, Servo parses them.
        let pem = "-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n";
        assert_eq!(
            check_certificate_file(&write("two.pem", &format!("{pem}junk\n{pem}"))),
            Ok(2)
        );
        assert!(check_certificate_file(&write("none.pem", "not a certificate\n")).is_err());
        assert!(check_certificate_file(&write("empty.pem", "")).is_err());
        assert!(check_certificate_file(&dir.join("missing.pem")).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
