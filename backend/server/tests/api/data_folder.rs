//! The data folder is the service's alone: its folders 0700, its files 0600 (the CA
//! certificate, which the app is given, 0644), whatever the umask, and a folder left readable
//! by others is tightened at start.

use std::net::SocketAddr;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use portal_server::clock::SystemClock;
use portal_server::startup::Application;
use portal_server::Config;

const PRIVATE_DIRS: [&str; 3] = ["", "keys", "tls"];
const PRIVATE_FILES: [&str; 8] = [
    "portal.db",
    "portal.db-wal",
    "portal.db-shm",
    "portal.db.service-lock",
    "keys/attachments.key",
    "tls/ca-key.pem",
    "tls/server.pem",
    "tls/server-key.pem",
];

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

async fn start(data_dir: &Path) -> Application {
    let mut config = Config::new(data_dir);
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    Application::build(config, Arc::new(SystemClock))
        .await
        .expect("the service starts")
}

fn assert_private(data_dir: &Path) {
    for dir in PRIVATE_DIRS {
        let path = data_dir.join(dir);
        assert_eq!(mode(&path), 0o700, "{}", path.display());
    }
    for file in PRIVATE_FILES {
        let path = data_dir.join(file);
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    assert_eq!(
        mode(&data_dir.join("tls/ca.pem")),
        0o644,
        "the CA certificate is public"
    );
}

#[tokio::test]
async fn a_new_data_folder_is_private() {
    let parent = tempfile::tempdir().expect("tempdir");
    let data_dir = parent.path().join("portal-data");
    let app = start(&data_dir).await;
    assert_private(&data_dir);
    drop(app);
}

#[tokio::test]
async fn a_data_folder_readable_by_others_is_tightened_at_start() {
    let parent = tempfile::tempdir().expect("tempdir");
    let data_dir = parent.path().join("portal-data");
    drop(start(&data_dir).await);
    // As an older version, a copy or a hand-made folder may have left it.
    for dir in PRIVATE_DIRS {
        set_mode(&data_dir.join(dir), 0o755);
    }
    for file in PRIVATE_FILES.into_iter().chain(["tls/ca.pem"]) {
        let path = data_dir.join(file);
        if !path.exists() {
            std::fs::write(&path, b"").expect("an empty journal file");
        }
        set_mode(&path, 0o666);
    }
    let app = start(&data_dir).await;
    assert_private(&data_dir);
    drop(app);
}
