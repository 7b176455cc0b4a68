/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! `servo-ff`: a headless libservo 0.7.0 shell. See `README.md` and `--help`.

mod cli;
mod output;
mod popups;
mod prefs;

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use dpi::PhysicalSize;
use log::{debug, error, info, warn};
use servo::{
    ConsoleLogLevel, CreateNewWebViewRequest, EventLoopWaker, JSValue, LoadStatus, Opts,
    RenderingContext, Servo, ServoBuilder, ServoDelegate, ServoError, SoftwareRenderingContext,
    WebView, WebViewBuilder, WebViewDelegate,
};
use url::Url;

use crate::cli::{Command, Options, RegistrationsFormat};
use crate::output::{DONE_MESSAGE, SHOW_REGISTRATIONS_MESSAGE, Source};
use crate::popups::{Popups, Role};

const EXIT_DONE: i32 = 0;
const EXIT_TIMEOUT: i32 = 2;
const EXIT_LOAD_FAILED: i32 = 3;
const EXIT_CRASH: i32 = 4;
const EXIT_USAGE: i32 = 64;

/// How long Servo gets to shut down cleanly before the process exits anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
/// Upper bound on one idle wait, in case something needs polling without a wake.
const MAX_IDLE_WAIT: Duration = Duration::from_millis(50);

/// Titles of the pages Servo 0.7.0 substitutes for a failed top-level load
/// (resources `neterror.html` and `badcert.html`, see servo-script
/// `servoparser/mod.rs`). There is no dedicated load-error delegate method.
const ERROR_PAGE_TITLES: [&str; 2] = ["Error loading page", "Certificate error"];

fn main() {
    std::process::exit(run());
}

fn run() -> i32 {
    let command = match cli::parse(std::env::args_os().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("servo-ff: {message}");
            eprintln!("usage: servo-ff [OPTIONS] URL   (see servo-ff --help)");
            return EXIT_USAGE;
        },
    };
    let options = match command {
        Command::Help => {
            output::emit(cli::USAGE);
            return EXIT_DONE;
        },
        Command::Version => {
            output::emit(concat!(
                "servo-ff ",
                env!("CARGO_PKG_VERSION"),
                " (libservo 0.7.0)\n"
            ));
            return EXIT_DONE;
        },
        Command::Run(options) => options,
    };

    // Everything that can be a usage error is checked before Servo starts.
    let mut preferences = prefs::defaults();
    for (name, raw) in &options.prefs {
        if let Err(message) = prefs::apply(&mut preferences, name, raw) {
            eprintln!("servo-ff: --pref {name}={raw}: {message}");
            return EXIT_USAGE;
        }
    }
    if let Some(path) = &options.hosts_file {
        let path = match std::fs::canonicalize(path) {
            Ok(path) => path,
            Err(error) => {
                eprintln!("servo-ff: --hosts-file {}: {error}", path.display());
                return EXIT_USAGE;
            },
        };
        if let Err(error) = std::fs::read(&path) {
            eprintln!("servo-ff: --hosts-file {}: {error}", path.display());
            return EXIT_USAGE;
        }
        // SAFETY: no other thread exists yet (Servo is not started), so
        // nothing can read the environment concurrently.
        unsafe { std::env::set_var("HOST_FILE", &path) };
    }
    if let Some(path) = &options.certificate_path
        && let Err(message) = cli::check_certificate_file(path)
    {
        eprintln!("servo-ff: --certificate-path {}: {message}", path.display());
        return EXIT_USAGE;
    }
    let url = match Url::parse(&options.url) {
        Ok(url) => url,
        Err(error) => {
            eprintln!(
                "servo-ff: load failed: cannot parse URL `{}`: {error}",
                options.url
            );
            return EXIT_LOAD_FAILED;
        },
    };

    match std::panic::catch_unwind(AssertUnwindSafe(|| run_servo(&options, preferences, url))) {
        Ok(code) => code,
        Err(_) => {
            eprintln!("servo-ff: crash: the embedder (main thread) panicked, see above");
            EXIT_CRASH
        },
    }
}

/// The final result of a run: exit code and an optional stderr message.
struct Outcome {
    code: i32,
    message: Option<String>,
}

/// State shared between the delegates and the main loop.
#[derive(Default)]
struct Shared {
    /// The first outcome wins; later ones are ignored.
    outcome: RefCell<Option<Outcome>>,
    /// Set once an outcome is known: nothing else is printed afterwards.
    finished: Cell<bool>,
    /// How to print the registrations when the page asks for them.
    registrations_format: RegistrationsFormat,
}

impl Shared {
    fn finish(&self, code: i32, message: Option<String>) {
        if self.finished.replace(true) {
            return;
        }
        *self.outcome.borrow_mut() = Some(Outcome { code, message });
    }

    fn console(&self, source: Source, level: &ConsoleLogLevel, message: &str) {
        if self.finished.get() {
            debug!("after completion, dropped console message from {source:?}: {message}");
            return;
        }
        output::emit(&output::format_console(source, level, message));
        if source == Source::Page && message == DONE_MESSAGE {
            self.finish(EXIT_DONE, None);
        }
        if source == Source::Page && message == SHOW_REGISTRATIONS_MESSAGE {
            output::emit_registrations(self.registrations_format);
        }
    }

    /// Console of a popup: its own prefix, and never the end of the run.
    fn popup_console(&self, label: &str, level: &ConsoleLogLevel, message: &str) {
        if self.finished.get() {
            debug!("after completion, dropped console message from {label}: {message}");
            return;
        }
        output::emit(&popups::format_console(label, level, message));
    }

    /// A `[shell] ...` line, unless the outcome is already known.
    fn shell_line(&self, line: &str) {
        if !self.finished.get() {
            output::emit(&format!("[shell] {line}\n"));
        }
    }
}

/// The delegate of one WebView: the main one or a popup (see `popups.rs`).
struct ShellWebViewDelegate {
    shared: Rc<Shared>,
    popups: Rc<Popups>,
    role: Role,
}

impl WebViewDelegate for ShellWebViewDelegate {
    fn notify_new_frame_ready(&self, webview: WebView) {
        webview.paint();
    }

    fn notify_load_status_changed(&self, webview: WebView, status: LoadStatus) {
        debug!(
            "load status {status:?} for {:?}",
            webview.url().map(String::from)
        );
        if status != LoadStatus::Complete || self.shared.finished.get() {
            return;
        }
        if let Some(label) = self.role.popup_label() {
            // A popup's load failure is reported, but does not end the run.
            let title = webview.page_title().unwrap_or_default();
            let url = webview.url().map(String::from).unwrap_or_default();
            if ERROR_PAGE_TITLES.contains(&title.trim()) {
                self.shared
                    .shell_line(&format!("{label} load failed: {url}: {}", title.trim()));
            } else {
                self.shared
                    .shell_line(&format!("{label} load complete: {url}"));
            }
            return;
        }
        output::emit("[shell] load complete\n");

        let title = webview.page_title().unwrap_or_default();
        if !ERROR_PAGE_TITLES.contains(&title.trim()) {
            return;
        }
        // Servo replaced the document with its error page: fetch the reason
        // from the page text, falling back to the title.
        let url = webview
            .url()
            .map(String::from)
            .unwrap_or_else(|| "<unknown URL>".into());
        let shared = self.shared.clone();
        webview.evaluate_javascript(
            "document.body ? document.body.innerText : ''",
            move |result| {
                let reason = match result {
                    Ok(JSValue::String(text)) if !text.trim().is_empty() => {
                        text.trim().replace('\n', " ")
                    },
                    _ => title,
                };
                shared.finish(
                    EXIT_LOAD_FAILED,
                    Some(format!("servo-ff: load failed: {url}: {reason}")),
                );
            },
        );
    }

    fn show_console_message(&self, _webview: WebView, level: ConsoleLogLevel, message: String) {
        match self.role.popup_label() {
            None => self.shared.console(Source::Page, &level, &message),
            Some(label) => self.shared.popup_console(&label, &level, &message),
        }
    }

    fn request_create_new(&self, parent: WebView, request: CreateNewWebViewRequest) {
        let role = self.popups.open(request, |role| {
            Rc::new(ShellWebViewDelegate {
                shared: self.shared.clone(),
                popups: self.popups.clone(),
                role,
            })
        });
        let label = role.popup_label().unwrap_or_default();
        debug!(
            "opened {label} for {:?} ({} open)",
            parent.url().map(String::from),
            self.popups.count()
        );
        self.shared.shell_line(&format!("{label} opened"));
    }

    fn notify_closed(&self, webview: WebView) {
        // `window.close()` (Servo already discarded the browsing context).
        match self.role.popup_label() {
            Some(label) => {
                if self.popups.mark_closed(&webview) {
                    self.shared.shell_line(&format!("{label} closed"));
                }
            },
            None => debug!("the main WebView was closed by page content"),
        }
    }

    fn notify_crashed(&self, _webview: WebView, reason: String, backtrace: Option<String>) {
        // A crash in a popup is a crash of the run too (Servo panicked).
        let mut message = match self.role.popup_label() {
            None => format!("servo-ff: crash: {reason}"),
            Some(label) => format!("servo-ff: crash (in {label}): {reason}"),
        };
        match backtrace {
            Some(backtrace) if !backtrace.trim().is_empty() => {
                message.push_str("\nbacktrace:\n");
                message.push_str(backtrace.trim_end());
            },
            _ => message.push_str("\n(no backtrace)"),
        }
        self.shared.finish(EXIT_CRASH, Some(message));
    }
}

struct ShellServoDelegate {
    shared: Rc<Shared>,
}

impl ServoDelegate for ShellServoDelegate {
    fn notify_error(&self, servo_error: ServoError) {
        match servo_error {
            ServoError::LostConnectionWithBackend => self.shared.finish(
                EXIT_CRASH,
                Some("servo-ff: crash: Servo lost its connection with the backend".into()),
            ),
            other => warn!("Servo error: {other:?}"),
        }
    }

    fn show_console_message(&self, level: ConsoleLogLevel, message: String) {
        // Console output not tied to a WebView: in Servo 0.7.0 that is
        // service workers (GlobalScope::webview_id() is None only for them).
        self.shared.console(Source::ServiceWorker, &level, &message);
    }
}

/// Keep the default panic output (message, location, RUST_BACKTRACE) and also
/// log the panic as an error: Servo's logger forwards errors logged while a
/// thread is panicking to the constellation as a crash report.
fn install_panic_hook() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default_hook(info);
        // Panics that libservo catches on purpose (resvg in the image cache).
        if servo::should_panic_hook_suppress_termination() {
            return;
        }
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("Box<dyn Any>");
        let location = info
            .location()
            .map(|location| format!(" at {location}"))
            .unwrap_or_default();
        error!("panic{location}: {message}");
    }));
}

/// Wakes the main loop out of its idle wait.
#[derive(Clone, Default)]
struct Waker(Arc<(Mutex<bool>, Condvar)>);

impl Waker {
    /// Wait until woken or `timeout` elapsed; consumes a pending wake.
    fn wait(&self, timeout: Duration) {
        let (lock, condvar) = &*self.0;
        let guard = lock.lock().unwrap_or_else(|poison| poison.into_inner());
        let (mut woken, _) = condvar
            .wait_timeout_while(guard, timeout, |woken| !*woken)
            .unwrap_or_else(|poison| poison.into_inner());
        *woken = false;
    }
}

impl EventLoopWaker for Waker {
    fn clone_box(&self) -> Box<dyn EventLoopWaker> {
        Box::new(self.clone())
    }

    fn wake(&self) {
        let (lock, condvar) = &*self.0;
        *lock.lock().unwrap_or_else(|poison| poison.into_inner()) = true;
        condvar.notify_one();
    }
}

fn run_servo(options: &Options, preferences: servo::Preferences, url: Url) -> i32 {
    let start = Instant::now();
    let deadline = start + options.timeout;

    // libservo expects the embedder to pick the rustls crypto provider.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();

    let (width, height) = options.window_size;
    let rendering_context: Rc<dyn RenderingContext> =
        match SoftwareRenderingContext::new(PhysicalSize::new(width, height)) {
            Ok(context) => Rc::new(context),
            Err(error) => {
                eprintln!("servo-ff: crash: cannot create a software rendering context: {error:?}");
                return EXIT_CRASH;
            },
        };
    if let Err(error) = rendering_context.make_current() {
        eprintln!("servo-ff: crash: cannot make the rendering context current: {error:?}");
        return EXIT_CRASH;
    }

    // hard_fail (the default) makes the constellation process::exit(1) when a
    // script thread panics; without it the panic becomes notify_crashed.
    let opts = Opts {
        hard_fail: false,
        // Extra trusted roots; ignore_certificate_errors stays false.
        certificate_path: options
            .certificate_path
            .as_ref()
            .map(|path| path.to_string_lossy().into_owned()),
        // Servo's storage threads keep their databases under it (and make
        // it); without one, each makes a temporary directory.
        config_dir: options.profile.clone(),
        ..Opts::default()
    };
    let waker = Waker::default();
    let servo = ServoBuilder::default()
        .opts(opts)
        .preferences(preferences)
        .event_loop_waker(Box::new(waker.clone()))
        .build();
    // env_logger (RUST_LOG, stderr) plus the logger that forwards warnings,
    // errors and panics to the constellation, which is how a panicking script
    // thread is turned into notify_crashed in single-process mode.
    servo.setup_logging();
    install_panic_hook();
    if let Some(path) = std::env::var_os("HOST_FILE") {
        debug!("HOST_FILE={}", path.display());
    }
    let shared = Rc::new(Shared {
        registrations_format: options.show_registrations.unwrap_or_default(),
        ..Shared::default()
    });
    servo.set_delegate(Rc::new(ShellServoDelegate {
        shared: shared.clone(),
    }));

    info!("loading {url}");
    let popups = Rc::new(Popups::new(rendering_context.clone()));
    let webview = WebViewBuilder::new(&servo, rendering_context.clone())
        .delegate(Rc::new(ShellWebViewDelegate {
            shared: shared.clone(),
            popups: popups.clone(),
            role: Role::Main,
        }))
        .url(url)
        .build();

    loop {
        servo.spin_event_loop();
        if shared.finished.get() {
            break;
        }
        let now = Instant::now();
        if now >= deadline {
            shared.finish(
                EXIT_TIMEOUT,
                Some(format!(
                    "servo-ff: timeout after {} s (no {DONE_MESSAGE})",
                    options.timeout_secs
                )),
            );
            break;
        }
        waker.wait((deadline - now).min(MAX_IDLE_WAIT));
    }

    let Outcome { code, message } = shared
        .outcome
        .borrow_mut()
        .take()
        .expect("the loop only ends with an outcome");
    if let Some(format) = options.show_registrations {
        output::emit_registrations(format);
    }
    if let Some(message) = message {
        eprintln!("{message}");
    }
    let _ = std::io::stdout().flush();
    info!("finished with exit code {code} after {:?}", start.elapsed());

    // Popups (open or closed) hold their delegates, which hold `popups`:
    // take them out to drop them before Servo.
    let popups = popups.take_all();
    shut_down(servo, webview, popups, rendering_context, code);
    code
}

/// Shut Servo down cleanly (dropping the last `Servo` handle makes it tell the
/// constellation to exit and spin until that finished), but never let a stuck
/// script thread change the exit code or hang the process.
fn shut_down(
    servo: Servo,
    webview: WebView,
    popups: Vec<WebView>,
    rendering_context: Rc<dyn RenderingContext>,
    code: i32,
) {
    std::thread::Builder::new()
        .name("servo-ff-watchdog".into())
        .spawn(move || {
            std::thread::sleep(SHUTDOWN_GRACE);
            error!("Servo did not shut down within {SHUTDOWN_GRACE:?}; exiting anyway");
            let _ = std::io::stdout().flush();
            let _ = std::io::stderr().flush();
            // SAFETY: _exit only ends the process; skipping atexit handlers and
            // C++ static destructors is the point while Servo threads still run.
            unsafe { libc::_exit(code) };
        })
        .expect("spawning the watchdog thread");

    let start = Instant::now();
    drop(popups);
    drop(webview);
    drop(servo);
    drop(rendering_context);
    debug!("Servo shut down in {:?}", start.elapsed());
}
