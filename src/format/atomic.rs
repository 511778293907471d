//! Atomic file writes: a temporary file in the target's folder, flushed to disk, then renamed
//! over the target. A crash leaves either the old file or the new one, never half of one.
//!
//! A symlinked model stays a symlink: the write goes to the file the link points at. A
//! process killed mid-write leaves its temporary file behind; the next write to the same
//! target removes such leftovers once they are old enough that no live writer owns them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Temporary files older than this are leftovers of a killed write.
const STALE_TEMP_AGE: Duration = Duration::from_secs(10 * 60);

/// How many links a path may go through before it is refused as a loop.
const MAX_LINKS: usize = 40;

/// The file a write to `path` should replace: `path` itself, or what its chain of symlinks
/// ends at (which may not exist yet).
fn resolve_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current)?;
                current = match current.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// The prefix of the temporary files for `target`, so leftovers can be told apart per file.
fn temp_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    format!(".{name}.archsmith-")
}

/// Removes the leftovers of killed writes in `dir` whose names `ours` accepts.
fn remove_stale_temps(dir: &Path, ours: impl Fn(&str) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(ours(&name) && name.ends_with(".tmp")) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = resolve_links(path)?;
    let dir = folder_of(&target);
    let prefix = temp_prefix(&target);
    remove_stale_temps(&dir, |name| name.starts_with(&prefix));
    replace(&target, &dir, bytes)?;
    sync_dir(&dir)
}

/// Writes several files, each atomically as [`write_atomic`] does, but sweeps each folder's
/// leftovers once and syncs each folder once at the end: a folder of n files costs n writes,
/// not n listings of an ever larger folder. On failure, says which file.
pub fn write_atomic_many<'a>(
    files: impl IntoIterator<Item = (PathBuf, &'a [u8])>,
) -> Result<(), (PathBuf, std::io::Error)> {
    let mut folders = std::collections::BTreeSet::new();
    for (path, bytes) in files {
        let target = resolve_links(&path).map_err(|e| (path.clone(), e))?;
        let dir = folder_of(&target);
        if !folders.contains(&dir) {
            remove_stale_temps(&dir, |name| {
                name.starts_with('.') && name.contains(".archsmith-")
            });
            folders.insert(dir.clone());
        }
        replace(&target, &dir, bytes).map_err(|e| (path, e))?;
    }
    for dir in folders {
        sync_dir(&dir).map_err(|e| (dir, e))?;
    }
    Ok(())
}

/// The folder a file lives in (`.` for a bare name).
fn folder_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to a temporary file in `dir`, flushes it and renames it over `target`.
fn replace(target: &Path, dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut builder = tempfile::Builder::new();
    let prefix = temp_prefix(target);
    builder.prefix(&prefix).suffix(".tmp");
    keep_permissions(&mut builder, target);
    let mut file = builder.tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(target).map_err(|e| e.error)?;
    Ok(())
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
    fn many_files_are_written_whole_and_leave_no_temporary_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("sub")).expect("mkdir");
        let files = [
            (dir.path().join("a.tf"), b"a".as_slice()),
            (dir.path().join("sub/b.tf"), b"bb".as_slice()),
            (dir.path().join("a.tf"), b"again".as_slice()),
        ];
        write_atomic_many(files.iter().map(|(p, b)| (p.clone(), *b))).expect("writes");
        assert_eq!(std::fs::read(dir.path().join("a.tf")).expect("a"), b"again");
        assert_eq!(
            std::fs::read(dir.path().join("sub/b.tf")).expect("b"),
            b"bb"
        );
        for folder in [dir.path().to_path_buf(), dir.path().join("sub")] {
            let leftovers = std::fs::read_dir(&folder)
                .expect("list")
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
                .count();
            assert_eq!(leftovers, 0, "{}", folder.display());
        }
        let missing = dir.path().join("nowhere/c.tf");
        let (path, _) =
            write_atomic_many([(missing.clone(), b"c".as_slice())]).expect_err("no such folder");
        assert_eq!(path, missing);
    }

    #[test]
    fn a_symlinked_model_stays_a_symlink() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("models/real.ron");
        std::fs::create_dir_all(real.parent().expect("parent")).expect("mkdir");
        std::fs::write(&real, "old").expect("write");
        let link = dir.path().join("model.ron");
        std::os::unix::fs::symlink("models/real.ron", &link).expect("symlink");
        write_atomic(&link, b"new").expect("write through the link");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).expect("read"), b"new");
    }

    #[test]
    fn leftovers_of_killed_writes_are_removed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("model.ron");
        let stale = dir.path().join(".model.ron.archsmith-abc123.tmp");
        let fresh = dir.path().join(".model.ron.archsmith-def456.tmp");
        let other = dir.path().join(".other.ron.archsmith-abc123.tmp");
        for path in [&stale, &fresh, &other] {
            std::fs::write(path, "partial").expect("write");
        }
        let long_ago = SystemTime::now() - Duration::from_secs(3600);
        for path in [&stale, &other] {
            std::fs::File::options()
                .write(true)
                .open(path)
                .and_then(|f| f.set_modified(long_ago))
                .expect("age");
        }
        write_atomic(&target, b"model").expect("write");
        assert!(!stale.exists(), "an old leftover of this file goes");
        assert!(fresh.exists(), "a recent one may belong to a live writer");
        assert!(
            other.exists(),
            "another file's leftovers are not ours to judge"
        );
        let leftovers = std::fs::read_dir(dir.path())
            .expect("list")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            })
            .count();
        assert_eq!(leftovers, 2, "the write itself leaves nothing behind");
    }

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
