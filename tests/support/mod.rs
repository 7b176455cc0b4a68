/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Support for the end-to-end tests: a loopback HTTP server for fixed pages
//! and a way to run the `servo-ff` shell on them.
//!
//! The server is a few lines over `std::net` rather than a crate: it serves
//! a handful of fixed responses to one browser on loopback, and every crate
//! that could do it (hyper, tiny_http) would add build time to the suite for
//! nothing it needs. The WPT suite under `wpt/` uses the real `wptserve`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// A script for pages of the tests, served as `/activate.js`:
/// `registerAndActivate(script, options)` registers a service worker and
/// resolves with its registration once the worker is activated.
#[allow(dead_code)] // Not every test binary registers a worker.
pub const ACTIVATE_JS: &str = r#"
async function registerAndActivate(script, options) {
  const registration = await navigator.serviceWorker.register(script, options);
  const worker = registration.installing || registration.waiting || registration.active;
  if (worker.state !== "activated") {
    await new Promise(resolve => worker.addEventListener("statechange", () => {
      if (worker.state === "activated") resolve();
    }));
  }
  return registration;
}
"#;

/// A profile directory (`servo-ff --profile`) of a test, in cargo's
/// temporary directory for integration tests; removed when dropped.
#[allow(dead_code)] // Not every test binary keeps a profile.
pub struct Profile(pub PathBuf);

#[allow(dead_code)]
impl Profile {
    pub fn new(name: &str) -> Profile {
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("profile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        Profile(path)
    }

    /// The `--profile` argument.
    pub fn arg(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fixed response.
#[derive(Clone)]
pub struct Resource {
    pub content_type: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resource {
    pub fn new(content_type: &'static str, body: impl Into<String>) -> Self {
        Self {
            content_type,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    #[allow(dead_code)] // Not every test binary sends headers.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// Serves `resources` (by path) on `127.0.0.1` at a free port until the
/// process ends; unknown paths get a 404. Returns the port.
pub fn serve(resources: HashMap<&'static str, Resource>) -> u16 {
    Server::start(resources).port
}

/// A server of fixed resources (see [`serve`]) that can be stopped: its
/// port then refuses connections, as a service that is gone.
#[allow(dead_code)] // Not every test binary stops a server.
pub struct Server {
    pub port: u16,
    stopped: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[allow(dead_code)]
impl Server {
    pub fn start(resources: HashMap<&'static str, Resource>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local address").port();
        // Polled, so that the loop sees `stopped` and drops the listener.
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let resources = Arc::new(resources);
        let stopped = Arc::new(AtomicBool::new(false));
        let stop = stopped.clone();
        let thread = std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let _ = stream.set_nonblocking(false);
                        let resources = resources.clone();
                        std::thread::spawn(move || respond(stream, &resources));
                    },
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Server {
            port,
            stopped,
            thread: Some(thread),
        }
    }

    /// Close the port: from now on, connections to it are refused.
    pub fn stop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn respond(mut stream: TcpStream, resources: &HashMap<&'static str, Resource>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(stream) => stream,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Skip the request headers.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        line.clear();
    }
    let path = request_line.split(' ').nth(1).unwrap_or("/");
    let path = path.split('?').next().unwrap_or(path);
    let (status, resource) = match resources.get(path) {
        Some(resource) => ("200 OK", resource.clone()),
        None => ("404 Not Found", Resource::new("text/plain", "not found")),
    };
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        resource.content_type,
        resource.body.len()
    );
    for (name, value) in &resource.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(resource.body.as_bytes());
}

/// The shell binary: `$SERVO_FF_SHELL`, else `servo-ff` in the target dir
/// these tests were built in (`./sff build` builds it).
pub fn shell_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SERVO_FF_SHELL") {
        return PathBuf::from(path);
    }
    let target_tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = target_tmp
        .parent()
        .map(|target| target.join("debug/servo-ff"))
        .unwrap_or_default();
    assert!(
        path.is_file(),
        "the shell is not built at {}: run `./sff build` first, or set SERVO_FF_SHELL",
        path.display()
    );
    path
}

/// A hosts file (Servo reads `HOST_FILE`) that maps the test host names to
/// loopback, so that `localhost` never resolves to `::1`, where the test
/// server does not listen.
pub fn hosts_file() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("servo-ff-tests.hosts");
    std::fs::write(
        &path,
        "127.0.0.1 localhost\n127.0.0.1 www.localhost\n127.0.0.1 insecure.test\n",
    )
    .expect("write the hosts file");
    path
}

/// What one run of the shell printed.
pub struct ShellRun {
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl ShellRun {
    pub fn assert_stdout_line(&self, line: &str) {
        assert!(
            self.stdout.lines().any(|l| l == line),
            "expected the line {line:?} on stdout\n{self}"
        );
    }

    #[allow(dead_code)] // Not every test binary reads stderr.
    pub fn stderr_contains(&self, text: &str) -> bool {
        self.stderr.contains(text)
    }
}

impl std::fmt::Display for ShellRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- exit status {:?}\n--- stdout\n{}--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// Runs the shell on `url` with extra arguments and environment.
pub fn run_shell(url: &str, args: &[&str], env: &[(&str, &str)]) -> ShellRun {
    let mut command = Command::new(shell_binary());
    let hosts = hosts_file();
    command
        .args(["--timeout", "60", "--hosts-file"])
        .arg(&hosts)
        .args(args)
        .arg(url);
    for (name, value) in env {
        command.env(name, value);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("run the servo-ff shell");
    ShellRun {
        status: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}
