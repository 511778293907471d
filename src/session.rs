//! What the app remembers between runs, in its data folder: recently opened files and a
//! recovery copy of unsaved work. Shared by the native editor and the desktop shell.

use std::path::{Path, PathBuf};

use crate::format::write_atomic;

const RECENT_FILE: &str = "recent.json";
const RECOVERY_FILE: &str = "recovery.ron";
/// How many recent files are remembered.
pub const MAX_RECENT: usize = 10;

/// The app's data folder.
#[derive(Debug, Clone)]
pub struct SessionStore {
    dir: PathBuf,
}

impl SessionStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The platform's data folder for Archsmith (`~/.local/share/archsmith` on Linux).
    pub fn default_dir() -> Option<PathBuf> {
        dirs_data_dir().map(|d| d.join("archsmith"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Recently opened files, newest first. A missing or unreadable list is empty.
    pub fn recent(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join(RECENT_FILE))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Moves `path` to the front of the recent files.
    pub fn push_recent(&self, path: &str) -> std::io::Result<()> {
        let mut recent = self.recent();
        recent.retain(|p| p != path);
        recent.insert(0, path.to_owned());
        recent.truncate(MAX_RECENT);
        std::fs::create_dir_all(&self.dir)?;
        let json = serde_json::to_vec_pretty(&recent).map_err(std::io::Error::other)?;
        write_atomic(&self.dir.join(RECENT_FILE), &json)
    }

    pub fn save_recovery(&self, text: &str) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        write_atomic(&self.dir.join(RECOVERY_FILE), text.as_bytes())
    }

    /// The recovery copy, if the last session left one.
    pub fn recovery(&self) -> Option<String> {
        std::fs::read_to_string(self.dir.join(RECOVERY_FILE)).ok()
    }

    pub fn clear_recovery(&self) -> std::io::Result<()> {
        match std::fs::remove_file(self.dir.join(RECOVERY_FILE)) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

fn dirs_data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ARCHSMITH_DATA_DIR") {
        return Some(PathBuf::from(dir));
    }
    if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_are_newest_first_and_bounded() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SessionStore::new(dir.path().join("data"));
        assert!(store.recent().is_empty());
        for n in 0..12 {
            store.push_recent(&format!("/m/{n}.ron")).expect("push");
        }
        store.push_recent("/m/3.ron").expect("push");
        let recent = store.recent();
        assert_eq!(recent.len(), MAX_RECENT);
        assert_eq!(recent[0], "/m/3.ron");
        assert_eq!(recent[1], "/m/11.ron");
    }

    #[test]
    fn recovery_is_kept_until_cleared() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SessionStore::new(dir.path());
        assert_eq!(store.recovery(), None);
        store.save_recovery("(version: 2)").expect("save");
        assert_eq!(store.recovery().as_deref(), Some("(version: 2)"));
        store.clear_recovery().expect("clear");
        store.clear_recovery().expect("clearing twice is fine");
        assert_eq!(store.recovery(), None);
    }
}
