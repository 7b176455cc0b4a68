/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The line protocol on stdout.

use std::io::Write;

use servo::ConsoleLogLevel;

use crate::cli::RegistrationsFormat;

/// The console message that ends a run successfully.
pub const DONE_MESSAGE: &str = "servo-ff:done";

/// The console message by which a page asks for the list of service worker
/// registrations (`--show-registrations`).
pub const SHOW_REGISTRATIONS_MESSAGE: &str = "servo-ff:show-registrations";

/// Print every service worker registration the shell's Servo holds, each
/// line prefixed with `[registrations] `.
#[cfg(feature = "registrations")]
pub fn emit_registrations(format: RegistrationsFormat) {
    let registrations = sw_lifecycle::inventory::snapshot();
    let text = match format {
        RegistrationsFormat::Table => sw_lifecycle::inventory::to_table(&registrations),
        RegistrationsFormat::Json => sw_lifecycle::inventory::to_json(&registrations) + "\n",
    };
    let mut lines = String::new();
    for line in text.lines() {
        lines.push_str("[registrations] ");
        lines.push_str(line);
        lines.push('\n');
    }
    emit(&lines);
}

/// Without the patched Servo's list of registrations (the shell built
/// against pristine Servo for benchmarks), say so.
#[cfg(not(feature = "registrations"))]
pub fn emit_registrations(_format: RegistrationsFormat) {
    emit("[registrations] not available: this servo-ff is built without the patched Servo\n");
}

/// Where a console message came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Page,
    ServiceWorker,
}

impl Source {
    fn tag(self) -> &'static str {
        match self {
            Source::Page => "page",
            Source::ServiceWorker => "sw",
        }
    }
}

pub fn level_name(level: &ConsoleLogLevel) -> &'static str {
    match level {
        ConsoleLogLevel::Log => "log",
        ConsoleLogLevel::Debug => "debug",
        ConsoleLogLevel::Info => "info",
        ConsoleLogLevel::Warn => "warn",
        ConsoleLogLevel::Error => "error",
        ConsoleLogLevel::Trace => "trace",
        ConsoleLogLevel::Dir => "dir",
    }
}

/// Format a console message: one `[source] level line` per line of `message`
/// (split on `\n`, a trailing `\r` is dropped), each terminated by `\n`.
pub fn format_console(source: Source, level: &ConsoleLogLevel, message: &str) -> String {
    let prefix = format!("[{}] {} ", source.tag(), level_name(level));
    let mut out = String::with_capacity(message.len() + prefix.len() + 1);
    for line in message.split('\n') {
        out.push_str(&prefix);
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push('\n');
    }
    out
}

/// Write `text` to stdout and flush. Errors (e.g. a closed pipe) are logged,
/// never fatal.
pub fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        log::debug!("could not write to stdout: {error}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line() {
        assert_eq!(
            format_console(Source::Page, &ConsoleLogLevel::Warn, "hi there"),
            "[page] warn hi there\n"
        );
        assert_eq!(
            format_console(
                Source::ServiceWorker,
                &ConsoleLogLevel::Log,
                "hello from sw"
            ),
            "[sw] log hello from sw\n"
        );
    }

    #[test]
    fn multi_line_and_empty() {
        assert_eq!(
            format_console(Source::Page, &ConsoleLogLevel::Error, "a\r\nb\n"),
            "[page] error a\n[page] error b\n[page] error \n"
        );
        assert_eq!(
            format_console(Source::Page, &ConsoleLogLevel::Info, ""),
            "[page] info \n"
        );
    }
}
