//! Which files the webview may touch: only those the user picked in a dialog, passed on the
//! command line, or opened before (the recent list, which only dialogs fill). A compromised
//! page cannot read or write anything else.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{CommandError, CommandResult};

#[derive(Debug, Default)]
pub struct FileAccess {
    granted: Mutex<BTreeSet<PathBuf>>,
}

/// The absolute, symlink-free form of a path that may not exist yet (its folder must).
fn normalize(path: &Path) -> Option<PathBuf> {
    if let Ok(path) = path.canonicalize() {
        return Some(path);
    }
    let parent = path.parent()?.canonicalize().ok()?;
    Some(parent.join(path.file_name()?))
}

impl FileAccess {
    pub fn grant(&self, path: &Path) {
        if let (Some(path), Ok(mut granted)) = (normalize(path), self.granted.lock()) {
            granted.insert(path);
        }
    }

    /// The normalised path, if access to it was granted.
    pub fn check(&self, path: &Path) -> CommandResult<PathBuf> {
        let normalized =
            normalize(path).ok_or_else(|| CommandError::NotAllowed(path.display().to_string()))?;
        let granted = self.granted.lock().map_err(|_| CommandError::State)?;
        if granted.contains(&normalized) {
            Ok(normalized)
        } else {
            Err(CommandError::NotAllowed(path.display().to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_granted_paths_pass() {
        let dir = tempfile::tempdir().expect("tempdir");
        let picked = dir.path().join("picked.ron");
        std::fs::write(&picked, "x").expect("write");
        let access = FileAccess::default();
        assert!(access.check(&picked).is_err());
        access.grant(&picked);
        assert!(access.check(&picked).is_ok());
        let sneaky = dir.path().join("sub/../picked.ron");
        std::fs::create_dir(dir.path().join("sub")).expect("dir");
        assert!(
            access.check(&sneaky).is_ok(),
            "the same file through another spelling"
        );
        assert!(matches!(
            access.check(Path::new("/etc/passwd")),
            Err(CommandError::NotAllowed(_))
        ));
        let new_file = dir.path().join("new.ron");
        access.grant(&new_file);
        assert!(
            access.check(&new_file).is_ok(),
            "a file about to be created"
        );
    }
}
