// Tauri's isolation pattern: every IPC message from the window passes through here before it
// reaches the Rust side. The app's commands check everything themselves; this passes the
// messages on unchanged.
window.__TAURI_ISOLATION_HOOK__ = (payload) => payload;
