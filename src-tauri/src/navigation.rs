//! The window never leaves the app. A link the webview would follow (a `tel:` number, a web
//! address in a message, a script setting `location`) would replace the portal with a page the
//! app does not control, or with WebKit's "The URL can't be shown", and there is no way back.
//! So every navigation is refused except to the app's own pages; phone numbers and email
//! addresses are handed to the system's app by the UI (opener plugin, scoped to `tel:` and
//! `mailto:` in the capability file).

use tauri::plugin::TauriPlugin;
use tauri::{Runtime, Url};

/// Whether the window may show `url`: the app's own pages only. They are served as
/// `tauri://localhost` (Linux, macOS) or `http(s)://tauri.localhost` (Windows), and in
/// development from `dev_url` (the Vite server; `None` in builds with the UI bundled in).
pub fn is_app_page(url: &Url, dev_url: Option<&Url>) -> bool {
    let host = url.host_str();
    let own = match url.scheme() {
        "tauri" => host == Some("localhost"),
        "http" | "https" => host == Some("tauri.localhost") && url.port().is_none(),
        _ => false,
    };
    own || dev_url.is_some_and(|dev| same_origin(url, dev))
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
        && a.username().is_empty()
        && a.password().is_none()
}

/// The plugin that applies [`is_app_page`] to every webview of the app.
pub fn guard<R: Runtime>(dev_url: Option<Url>) -> TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(move |_webview, url| {
            let allowed = is_app_page(url, dev_url.as_ref());
            if !allowed {
                // The scheme only: the rest of an address can carry anything.
                tracing::warn!(scheme = url.scheme(), "the window was kept from leaving the app");
            }
            allowed
        })
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("a URL")
    }

    #[test]
    fn the_apps_own_pages_are_allowed() {
        for own in [
            "tauri://localhost",
            "tauri://localhost/",
            "tauri://localhost/index.html",
            "tauri://localhost/assets/index.js?x=1#top",
            "http://tauri.localhost/",
            "https://tauri.localhost/index.html",
        ] {
            assert!(is_app_page(&url(own), None), "{own}");
        }
    }

    #[test]
    fn phone_numbers_mail_and_other_sites_are_refused() {
        for other in [
            "tel:8165550142",
            "tel:+18165550142",
            "mailto:office@example.com",
            "https://example.com/",
            "http://localhost:1420/",
            "https://tauri.localhost.example.com/",
            "http://tauri.localhost:8080/",
            "https://evil.example/?tauri.localhost",
            "tauri://evil.example/",
            "tauri://localhost.example/",
            "file:///etc/passwd",
            "data:text/html,<p>hello</p>",
            "about:blank",
            "javascript:alert(1)",
            "ftp://tauri.localhost/",
        ] {
            assert!(!is_app_page(&url(other), None), "{other}");
        }
    }

    #[test]
    fn in_development_the_dev_server_is_the_app_too() {
        let dev = url("http://localhost:1420");
        assert!(is_app_page(&url("http://localhost:1420/"), Some(&dev)));
        assert!(is_app_page(&url("http://localhost:1420/src/main.ts"), Some(&dev)));
        assert!(is_app_page(&url("tauri://localhost/"), Some(&dev)));
        for other in [
            "http://localhost:1421/",
            "https://localhost:1420/",
            "http://127.0.0.1:1420/",
            "http://user@localhost:1420/",
            "tel:8165550142",
        ] {
            assert!(!is_app_page(&url(other), Some(&dev)), "{other}");
        }
    }
}
