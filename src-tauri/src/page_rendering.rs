//! How the window's page is drawn on Linux, decided before the first window exists.
//!
//! WebKitGTK draws in "compositing mode" through OpenGL by default. Without a GPU driver (a
//! virtual desktop, a thin client, Xvfb) that OpenGL is Mesa's software renderer, and the web
//! process then holds about 50 MiB more memory for its layers than the same page drawn
//! without compositing, for a page that has almost no animation to gain from it (measured in
//! session 13 with `scripts/bench-desktop --mappings`: the web process's anonymous memory
//! 93–96 MiB with compositing, 18–19 MiB without). Compositing is also behind WebKitGTK's
//! known blank-window faults on some GPU drivers. So the app turns it off, unless whoever
//! starts it set the variable themselves (`WEBKIT_DISABLE_COMPOSITING_MODE=0` turns it back on).

/// WebKitGTK's switch for its compositing mode (read when the first web view is made).
pub const COMPOSITING_SWITCH: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// The value the app gives [`COMPOSITING_SWITCH`], or `None` to leave the one already set.
pub fn compositing_switch(already_set: Option<&std::ffi::OsStr>) -> Option<&'static str> {
    match already_set {
        Some(_) => None,
        None => Some("1"),
    }
}

/// Sets the page's drawing for this process. Called first in `run`, while the process has
/// only its main thread (changing the environment later could race other threads' reads).
pub fn configure() {
    if cfg!(target_os = "linux") {
        if let Some(value) = compositing_switch(std::env::var_os(COMPOSITING_SWITCH).as_deref()) {
            std::env::set_var(COMPOSITING_SWITCH, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn compositing_is_turned_off_unless_the_variable_was_set() {
        assert_eq!(compositing_switch(None), Some("1"));
        assert_eq!(compositing_switch(Some(OsStr::new("0"))), None);
        assert_eq!(compositing_switch(Some(OsStr::new("1"))), None);
        assert_eq!(compositing_switch(Some(OsStr::new(""))), None);
    }
}
