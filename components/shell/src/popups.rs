/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Popups: the auxiliary WebViews that page content opens with
//! `window.open()` (libservo 0.7.0: `WebViewDelegate::request_create_new`),
//! and closes with `window.close()` (`WebViewDelegate::notify_closed`).
//!
//! Popups are numbered from 1 in the order they are opened; popup N prints
//! its console as `[popupN] <level> <message>` and its life cycle as
//! `[shell] popupN ...` lines. The main WebView's exit conditions
//! (`servo-ff:done`, load failure) never look at popups.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use servo::{ConsoleLogLevel, CreateNewWebViewRequest, RenderingContext, WebView, WebViewDelegate};

use crate::output;

/// Which WebView a delegate serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The WebView of the URL given on the command line.
    Main,
    /// The N-th popup (numbered from 1).
    Popup(u32),
}

impl Role {
    /// `popupN` for a popup; `None` for the main WebView.
    pub fn popup_label(self) -> Option<String> {
        match self {
            Role::Main => None,
            Role::Popup(number) => Some(format!("popup{number}")),
        }
    }
}

/// The popups. libservo closes a WebView when its last handle is dropped, so
/// the handles live here until the shell shuts down.
pub struct Popups {
    rendering_context: Rc<dyn RenderingContext>,
    last_number: Cell<u32>,
    open: RefCell<Vec<WebView>>,
    /// Popups that page content closed. Servo has already discarded their
    /// browsing contexts; the handles are kept because console messages of a
    /// popup may reach the embedder after `notify_closed` (they travel on
    /// another channel than the close), and libservo gives a message whose
    /// WebView handle is gone to `ServoDelegate::show_console_message`, which
    /// would print it as `[sw]`.
    closed: RefCell<Vec<WebView>>,
}

impl Popups {
    /// Popups paint into `rendering_context`, the main WebView's (libservo
    /// shares one painter between WebViews of the same context).
    pub fn new(rendering_context: Rc<dyn RenderingContext>) -> Self {
        Self {
            rendering_context,
            last_number: Cell::new(0),
            open: RefCell::new(Vec::new()),
            closed: RefCell::new(Vec::new()),
        }
    }

    /// Answer `request_create_new`: number the popup, build its WebView with
    /// the delegate `make_delegate` returns for that number, keep it.
    /// Building the WebView is the answer Servo waits for (the opener's
    /// script thread blocks until then); `window.open()` then navigates it.
    pub fn open(
        &self,
        request: CreateNewWebViewRequest,
        make_delegate: impl FnOnce(Role) -> Rc<dyn WebViewDelegate>,
    ) -> Role {
        let number = self.last_number.get() + 1;
        self.last_number.set(number);
        let role = Role::Popup(number);
        let webview = request
            .builder(self.rendering_context.clone())
            .delegate(make_delegate(role))
            .build();
        self.open.borrow_mut().push(webview);
        role
    }

    /// Mark a popup closed (page content called `window.close()`). Returns
    /// whether it was open.
    pub fn mark_closed(&self, webview: &WebView) -> bool {
        let removed = {
            let mut open = self.open.borrow_mut();
            open.iter()
                .position(|popup| popup == webview)
                .map(|index| open.remove(index))
        };
        match removed {
            Some(webview) => {
                self.closed.borrow_mut().push(webview);
                true
            },
            None => false,
        }
    }

    /// How many popups are open.
    pub fn count(&self) -> usize {
        self.open.borrow().len()
    }

    /// Take every popup handle, open or closed (at shutdown, before Servo is
    /// dropped; this also breaks the popup → delegate → `Popups` cycle).
    pub fn take_all(&self) -> Vec<WebView> {
        let mut all = self.open.take();
        all.append(&mut self.closed.take());
        all
    }
}

/// Format a popup's console message like `output::format_console`, with
/// `[popupN]` instead of `[page]`.
pub fn format_console(label: &str, level: &ConsoleLogLevel, message: &str) -> String {
    let prefix = format!("[{label}] {} ", output::level_name(level));
    let mut out = String::with_capacity(message.len() + prefix.len() + 1);
    for line in message.split('\n') {
        out.push_str(&prefix);
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(Role::Main.popup_label(), None);
        assert_eq!(Role::Popup(3).popup_label().as_deref(), Some("popup3"));
    }

    #[test]
    fn console_lines_use_the_popup_prefix() {
        assert_eq!(
            format_console("popup1", &ConsoleLogLevel::Log, "hello"),
            "[popup1] log hello\n"
        );
        assert_eq!(
            format_console("popup2", &ConsoleLogLevel::Warn, "a\r\nb"),
            "[popup2] warn a\n[popup2] warn b\n"
        );
        assert_eq!(
            format_console("popup1", &ConsoleLogLevel::Info, ""),
            "[popup1] info \n"
        );
    }
}
