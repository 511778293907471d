//! Atomic file writes: a temporary file in the target's folder, flushed to disk, then renamed
//! over the target. A crash leaves either the old file or the new one, never half of one.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".archsmith-").suffix(".tmp");
    keep_permissions(&mut builder, path);
    let mut file = builder.tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// An existing file keeps its permissions and a new one gets the usual 0644: temporary files
/// are created private, which would surprise anyone sharing the model.
#[cfg(unix)]
fn keep_permissions(builder: &mut tempfile::Builder<'_, '_>, path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let permissions = std::fs::metadata(path).map_or_else(
        |_| std::fs::Permissions::from_mode(0o644),
        |m| m.permissions(),
    );
    builder.permissions(permissions);
}

#[cfg(not(unix))]
fn keep_permissions(_builder: &mut tempfile::Builder<'_, '_>, _path: &Path) {}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    // The rename is durable only once the folder's entry is on disk.
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn new_files_are_readable_and_existing_permissions_stay() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("model.ron");
        write_atomic(&path, b"one").expect("write");
        assert_eq!(
            std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
            0o644
        );
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        write_atomic(&path, b"two").expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        assert_eq!(
            std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
            0o600
        );
    }
}
