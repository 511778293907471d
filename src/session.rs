//! What the app remembers between runs, in its data folder: recently opened files and recovery
//! copies of unsaved work. Shared by the native editor and the desktop shell.
//!
//! Each document has its own recovery record, `recovery/<key>.json`, holding the text and the
//! file the document belongs to. A file's key is a hash of its canonical path; an untitled
//! document's key is the id of the editor instance that holds it. Every running instance keeps
//! an exclusive lock on `instances/<id>.lock`, so that a new instance offers to recover only the
//! records of instances that are gone, and never picks up (or deletes) the live work of another
//! window.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::format::write_atomic;

const RECENT_FILE: &str = "recent.json";
/// The single recovery copy older versions kept, offered once as an untitled document.
const LEGACY_RECOVERY_FILE: &str = "recovery.ron";
const RECOVERY_DIR: &str = "recovery";
const INSTANCE_DIR: &str = "instances";
/// How many recent files are remembered.
pub const MAX_RECENT: usize = 10;
/// The longest key accepted: a prefix and 32 hex digits fit easily.
const MAX_KEY_LEN: usize = 64;

/// The app's data folder.
#[derive(Debug, Clone)]
pub struct SessionStore {
    dir: PathBuf,
}

/// Names one document's recovery record. Keys come from [`RecoveryKey::for_document`] or,
/// when they cross a trust boundary (the webview), from [`RecoveryKey::parse`], which accepts
/// only plain file stems: a key can never point outside the recovery folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RecoveryKey(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a recovery key")]
pub struct BadRecoveryKey(String);

impl RecoveryKey {
    const LEGACY: &'static str = "legacy";

    /// The key of the document at `path`, or of the untitled document of `instance`.
    pub fn for_document(path: Option<&str>, instance: &Instance) -> Self {
        match path {
            Some(path) => {
                // The same file through another spelling (a symlink, `..`) is the same document.
                let canonical = Path::new(path)
                    .canonicalize()
                    .map_or_else(|_| path.to_owned(), |p| p.display().to_string());
                Self(format!("file-{:016x}", fnv1a(canonical.as_bytes())))
            }
            None => Self(format!("untitled-{}", instance.id)),
        }
    }

    /// A key received from elsewhere: lowercase letters, digits and dashes only.
    pub fn parse(key: &str) -> Result<Self, BadRecoveryKey> {
        let plain = !key.is_empty()
            && key.len() <= MAX_KEY_LEN
            && key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if plain {
            Ok(Self(key.to_owned()))
        } else {
            Err(BadRecoveryKey(key.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RecoveryKey {
    type Error = BadRecoveryKey;

    fn try_from(key: String) -> Result<Self, Self::Error> {
        Self::parse(&key)
    }
}

impl From<RecoveryKey> for String {
    fn from(key: RecoveryKey) -> Self {
        key.0
    }
}

impl std::fmt::Display for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// 64-bit FNV-1a: tiny, and unlike std's hasher it is the same in every Rust release, so a
/// file's key does not move when the app is rebuilt.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Unsaved work of one document, as last autosaved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovery {
    /// The file the document belongs to; `None` for a document never saved.
    pub path: Option<String>,
    /// The model, as RON.
    pub text: String,
    /// The instance that wrote the record; while it runs, the record is its live work.
    #[serde(default)]
    pub instance: String,
}

/// One running editor. Holding it keeps the instance's lock: other instances see its records
/// as live work. The lock goes with the process, so a crash leaves the records recoverable.
#[derive(Debug)]
pub struct Instance {
    id: String,
    lock: Option<(PathBuf, File)>,
}

impl Instance {
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some((path, file)) = self.lock.take() {
            // A clean exit: the lock file has no more use. Closing the file releases the lock.
            drop(file);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// An id unique to this process and moment: two instances started together still differ in
/// their process ids. Only native hosts call this; the browser has neither.
fn fresh_instance_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{:x}-{:x}",
        std::process::id(),
        nanos & u128::from(u64::MAX)
    )
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

    /// Registers a running instance and takes its lock.
    pub fn start_instance(&self) -> std::io::Result<Instance> {
        let id = fresh_instance_id();
        let dir = self.dir.join(INSTANCE_DIR);
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{id}.lock"));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        file.try_lock().map_err(std::io::Error::from)?;
        Ok(Instance {
            id,
            lock: Some((path, file)),
        })
    }

    /// Whether the instance `id` still runs: its lock file exists and someone holds it.
    fn instance_alive(&self, id: &str) -> bool {
        if RecoveryKey::parse(id).is_err() {
            return false;
        }
        let Ok(file) = File::open(self.dir.join(INSTANCE_DIR).join(format!("{id}.lock"))) else {
            return false;
        };
        match file.try_lock_shared() {
            Err(TryLockError::WouldBlock) => true,
            // Taken (and released when `file` closes) or unknowable: treat the owner as gone,
            // so that its work is offered rather than hidden forever.
            Ok(()) | Err(TryLockError::Error(_)) => false,
        }
    }

    fn recovery_file(&self, key: &RecoveryKey) -> PathBuf {
        if key.as_str() == RecoveryKey::LEGACY {
            self.dir.join(LEGACY_RECOVERY_FILE)
        } else {
            self.dir.join(RECOVERY_DIR).join(format!("{key}.json"))
        }
    }

    /// Keeps a recovery copy of the document at `path` (untitled: `instance`'s document).
    pub fn save_recovery(
        &self,
        instance: &Instance,
        path: Option<&str>,
        text: &str,
    ) -> std::io::Result<RecoveryKey> {
        let key = RecoveryKey::for_document(path, instance);
        let record = Recovery {
            path: path.map(str::to_owned),
            text: text.to_owned(),
            instance: instance.id.clone(),
        };
        self.write_recovery(&key, &record)?;
        Ok(key)
    }

    fn write_recovery(&self, key: &RecoveryKey, record: &Recovery) -> std::io::Result<()> {
        std::fs::create_dir_all(self.dir.join(RECOVERY_DIR))?;
        let json = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        write_atomic(&self.recovery_file(key), &json)
    }

    /// The record under `key`, if there is a readable one.
    pub fn recovery(&self, key: &RecoveryKey) -> Option<Recovery> {
        let text = std::fs::read_to_string(self.recovery_file(key)).ok()?;
        if key.as_str() == RecoveryKey::LEGACY {
            return Some(Recovery {
                path: None,
                text,
                instance: String::new(),
            });
        }
        serde_json::from_str(&text).ok()
    }

    /// Work left by instances that are no longer running (a crash, a killed process), in key
    /// order. Records of running instances, this one included, are their live work and are
    /// left out.
    pub fn orphaned_recoveries(&self) -> Vec<(RecoveryKey, Recovery)> {
        let mut keys: Vec<RecoveryKey> = std::fs::read_dir(self.dir.join(RECOVERY_DIR))
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                let name = entry.ok()?.file_name();
                let stem = name.to_str()?.strip_suffix(".json")?;
                RecoveryKey::parse(stem).ok()
            })
            .filter(|key| key.as_str() != RecoveryKey::LEGACY)
            .collect();
        if self.dir.join(LEGACY_RECOVERY_FILE).is_file() {
            keys.push(RecoveryKey(RecoveryKey::LEGACY.to_owned()));
        }
        keys.sort();
        keys.into_iter()
            .filter_map(|key| self.recovery(&key).map(|record| (key, record)))
            .filter(|(_, record)| !self.instance_alive(&record.instance))
            .collect()
    }

    /// Makes the record under `key` (left by an earlier instance) `instance`'s own: it is
    /// rewritten under the key the document now has, and the old record goes. Returns it.
    pub fn adopt_recovery(
        &self,
        instance: &Instance,
        key: &RecoveryKey,
    ) -> std::io::Result<Recovery> {
        let record = self
            .recovery(key)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, key.to_string()))?;
        // Written before the old one goes: a crash in between leaves two copies, never none.
        let adopted = self.save_recovery(instance, record.path.as_deref(), &record.text)?;
        if adopted != *key {
            self.discard_recovery(key)?;
        }
        Ok(record)
    }

    /// Drops the recovery copy of the document at `path` (untitled: `instance`'s): it was
    /// saved or discarded.
    pub fn clear_recovery(&self, instance: &Instance, path: Option<&str>) -> std::io::Result<()> {
        self.discard_recovery(&RecoveryKey::for_document(path, instance))
    }

    /// Drops the record under `key`; a missing one is already gone.
    pub fn discard_recovery(&self, key: &RecoveryKey) -> std::io::Result<()> {
        match std::fs::remove_file(self.recovery_file(key)) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }

    /// Drops every record `instance` wrote: the user closed it and discarded the changes.
    pub fn discard_instance_recoveries(&self, instance: &Instance) -> std::io::Result<()> {
        let entries = match std::fs::read_dir(self.dir.join(RECOVERY_DIR)) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(error) => return Err(error),
        };
        for entry in entries {
            let name = entry?.file_name();
            let Some(key) = name
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .and_then(|stem| RecoveryKey::parse(stem).ok())
            else {
                continue;
            };
            if self
                .recovery(&key)
                .is_some_and(|record| record.instance == instance.id)
            {
                self.discard_recovery(&key)?;
            }
        }
        Ok(())
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
    fn recovery_is_kept_per_document_until_cleared() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SessionStore::new(dir.path());
        let instance = store.start_instance().expect("instance");
        let shop = dir.path().join("shop.ron").display().to_string();
        store
            .save_recovery(&instance, None, "(version: 2)")
            .expect("save");
        store
            .save_recovery(&instance, Some(&shop), "(version: 2, meta: ())")
            .expect("save");
        let key = RecoveryKey::for_document(Some(&shop), &instance);
        let record = store.recovery(&key).expect("kept");
        assert_eq!(record.path.as_deref(), Some(shop.as_str()));
        assert_eq!(record.text, "(version: 2, meta: ())");
        store.clear_recovery(&instance, Some(&shop)).expect("clear");
        store
            .clear_recovery(&instance, Some(&shop))
            .expect("clearing twice is fine");
        assert_eq!(store.recovery(&key), None);
        let untitled = RecoveryKey::for_document(None, &instance);
        assert_eq!(
            store.recovery(&untitled).map(|r| r.text).as_deref(),
            Some("(version: 2)"),
            "the untitled document's copy is its own"
        );
    }

    #[test]
    fn a_running_instance_keeps_its_work_and_a_gone_one_leaves_it_recoverable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SessionStore::new(dir.path());
        let first = store.start_instance().expect("instance");
        let second = store.start_instance().expect("instance");
        assert_ne!(first.id(), second.id());
        store.save_recovery(&first, None, "first").expect("save");
        store.save_recovery(&second, None, "second").expect("save");
        assert_eq!(
            store.orphaned_recoveries(),
            [],
            "both instances run: nothing to recover"
        );
        // The first window crashes: its lock goes with it, its record stays.
        let crashed_id = first.id().to_owned();
        let mut crashed = first;
        if let Some((_, file)) = crashed.lock.take() {
            drop(file);
        }
        drop(crashed);
        let orphans = store.orphaned_recoveries();
        assert_eq!(orphans.len(), 1);
        let (key, record) = &orphans[0];
        assert_eq!(
            (record.text.as_str(), record.instance.as_str()),
            ("first", crashed_id.as_str())
        );

        let third = store.start_instance().expect("instance");
        let adopted = store.adopt_recovery(&third, key).expect("adopt");
        assert_eq!(adopted.text, "first");
        assert_eq!(store.recovery(key), None, "the old record moved");
        assert_eq!(store.orphaned_recoveries(), [], "it is live work now");
        assert_eq!(
            store
                .recovery(&RecoveryKey::for_document(None, &third))
                .map(|r| r.text)
                .as_deref(),
            Some("first")
        );
        store
            .discard_instance_recoveries(&second)
            .expect("discard second");
        assert_eq!(
            store.recovery(&RecoveryKey::for_document(None, &second)),
            None
        );
    }

    #[test]
    fn the_old_single_recovery_file_is_offered_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(LEGACY_RECOVERY_FILE), "(version: 2)").expect("write");
        let store = SessionStore::new(dir.path());
        let orphans = store.orphaned_recoveries();
        assert_eq!(orphans.len(), 1);
        assert_eq!(orphans[0].1.path, None);
        let instance = store.start_instance().expect("instance");
        store
            .adopt_recovery(&instance, &orphans[0].0)
            .expect("adopt");
        assert!(!dir.path().join(LEGACY_RECOVERY_FILE).exists());
    }

    #[test]
    fn keys_from_outside_cannot_leave_the_recovery_folder() {
        for bad in ["", "../recent", "a/b", "A", "x.json", &"a".repeat(65)] {
            assert!(RecoveryKey::parse(bad).is_err(), "{bad:?}");
        }
        assert!(RecoveryKey::parse("file-00ff").is_ok());
    }
}
