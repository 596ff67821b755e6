//! The service's files are readable by its own user only. The data folder holds the database
//! (messages, accounts), the attachment key and the TLS keys: its folders are 0700 and its
//! files 0600, set at creation and checked at every start, so neither the umask nor an older
//! version, a copy or a hand-made folder leaves them open to other users of the machine. The
//! one exception is the CA certificate (`tls/ca.pem`), which is public by nature (the app is
//! given it): 0644.
//!
//! Only the service's own paths are changed, never a folder it did not make (a database given
//! as `sqlite:///tmp/portal.db` does not make `/tmp` private).

use std::fs::OpenOptions;
use std::io;
use std::path::Path;

pub const DIR_MODE: u32 = 0o700;
pub const FILE_MODE: u32 = 0o600;
/// The CA certificate.
pub const PUBLIC_FILE_MODE: u32 = 0o644;

/// Makes `dir` when it is missing (its own mode 0700) and leaves an existing one private.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        // Made private, not made open and then tightened (which warns, as for a folder
        // someone opened).
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder.create(dir)?;
    restrict(dir, DIR_MODE)
}

/// Makes the folders missing on the way to `dir` (the last one 0700); an existing folder is
/// left as it is (it may be shared, like `/tmp`).
pub fn make_missing_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.exists() {
        return Ok(());
    }
    private_dir(dir)
}

/// Options that create a file readable by the service's user only.
pub fn private_file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options
}

/// Takes from `path` every permission beyond `mode` (the umask may have taken more, never
/// fewer), saying so in the log, with the path only. A missing path is fine.
pub fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let current = meta.permissions().mode() & 0o7777;
        if current & !mode != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(current & mode))?;
            tracing::warn!(path = %path.display(), "others could read this data file or folder: its permissions were tightened");
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).expect("meta").permissions().mode() & 0o7777
    }

    #[test]
    fn a_new_data_folder_is_made_private_without_a_warning() {
        let dir = tempfile::tempdir().expect("tempdir");
        let new = dir.path().join("portal-data/keys");
        let logs = crate::test_logs::logs_of(|| private_dir(&new).expect("private_dir"));
        assert_eq!(mode(&new), DIR_MODE);
        assert!(
            !logs.contains("tightened"),
            "nothing to tighten in a folder it just made: {logs}"
        );
        // A folder someone opened is tightened, and said so.
        std::fs::set_permissions(&new, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let logs = crate::test_logs::logs_of(|| private_dir(&new).expect("private_dir"));
        assert_eq!(mode(&new), DIR_MODE);
        assert!(logs.contains("tightened"), "{logs}");
    }

    #[test]
    fn restrict_only_takes_permissions_away() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("f");
        std::fs::write(&file, b"x").expect("write");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o4766)).expect("chmod");
        restrict(&file, FILE_MODE).expect("restrict");
        assert_eq!(mode(&file), 0o600);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o400)).expect("chmod");
        restrict(&file, FILE_MODE).expect("restrict");
        assert_eq!(mode(&file), 0o400, "never widened");
        restrict(&dir.path().join("missing"), FILE_MODE).expect("a missing file is fine");
    }

    #[test]
    fn only_folders_the_service_makes_are_changed() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        make_missing_dir(dir.path()).expect("exists");
        assert_eq!(mode(dir.path()), 0o755, "an existing folder is left alone");
        let new = dir.path().join("a/b");
        make_missing_dir(&new).expect("made");
        assert_eq!(mode(&new), 0o700);
    }
}
