//! The native host: rfd dialogs, std::fs with atomic writes, and the session store in the
//! platform's data folder. Dialogs block, which is fine outside the browser.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, TryRecvError};

use archsmith::Catalog;
use archsmith::layout::layout_text;

use archsmith::export::{Output, write_output};
use archsmith::format::write_atomic;
use archsmith::session::{Instance, RecoveryKey, SessionStore};

use crate::host::{ExportPayload, Host, HostEvent, HostRequest, RecoveredDocument};

#[derive(Debug)]
pub struct NativeHost {
    events: Vec<HostEvent>,
    /// Layouts being worked out on threads of their own, each answering once.
    layouts: Vec<Receiver<HostEvent>>,
    store: Option<SessionStore>,
    /// This window's registration in the store; it names the untitled document's recovery
    /// copy and tells other instances that this one's copies are live work.
    instance: Option<Instance>,
    /// A file named on the command line, opened at startup.
    startup_file: Option<PathBuf>,
}

impl NativeHost {
    pub fn new(startup_file: Option<PathBuf>) -> Self {
        Self::with_store(
            SessionStore::default_dir().map(SessionStore::new),
            startup_file,
        )
    }

    /// A host keeping its session in `store` (`None`: remembers nothing).
    pub fn with_store(store: Option<SessionStore>, startup_file: Option<PathBuf>) -> Self {
        // Without an instance (a read-only data folder) the editor still works; autosave
        // then reports that it cannot keep copies.
        let instance = store.as_ref().and_then(|s| s.start_instance().ok());
        Self {
            events: Vec::new(),
            layouts: Vec::new(),
            store,
            instance,
            startup_file,
        }
    }

    /// The store and this instance, for the recovery requests; `None` when there is none.
    fn session(&self) -> Option<(&SessionStore, &Instance)> {
        self.store.as_ref().zip(self.instance.as_ref())
    }

    /// Runs a recovery operation, turning its error into a message for the status bar.
    /// Without a data folder, only operations that `keep_a_copy` fail: the others have
    /// nothing to drop.
    fn recovery_op(
        &self,
        what: &str,
        keeps_a_copy: bool,
        op: impl FnOnce(&SessionStore, &Instance) -> std::io::Result<()>,
    ) -> Option<HostEvent> {
        let Some((store, instance)) = self.session() else {
            return keeps_a_copy.then(|| HostEvent::Failed {
                message: format!("{what} failed: no data folder for recovery copies"),
            });
        };
        op(store, instance).err().map(|error| HostEvent::Failed {
            message: format!("{what} failed: {error}"),
        })
    }

    fn read(&mut self, path: &std::path::Path) -> HostEvent {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let path = path.display().to_string();
                self.remember(&path);
                HostEvent::Opened { path, text }
            }
            Err(error) => HostEvent::Failed {
                message: format!("{}: cannot read: {error}", path.display()),
            },
        }
    }

    fn remember(&self, path: &str) {
        if let Some(store) = &self.store {
            // The recent list is a convenience; failing to update it must not fail the open.
            let _ = store.push_recent(path);
        }
    }

    fn handle(&mut self, request: HostRequest) -> Option<HostEvent> {
        match request {
            HostRequest::Startup => {
                let orphans = self
                    .store
                    .as_ref()
                    .map(SessionStore::orphaned_recoveries)
                    .unwrap_or_default();
                for (key, recovery) in orphans {
                    self.events
                        .push(HostEvent::RecoveryAvailable(RecoveredDocument {
                            key: key.to_string(),
                            path: recovery.path,
                            text: recovery.text,
                        }));
                }
                let path = self.startup_file.take().or_else(|| {
                    self.store
                        .as_ref()
                        .and_then(|s| s.recent().into_iter().next())
                        .map(PathBuf::from)
                        .filter(|p| p.exists())
                })?;
                Some(self.read(&path))
            }
            HostRequest::Open => {
                let path = rfd::FileDialog::new()
                    .add_filter("Archsmith model", &["ron"])
                    .pick_file();
                Some(path.map_or(HostEvent::Cancelled, |p| self.read(&p)))
            }
            HostRequest::OpenRecent { path } => Some(self.read(std::path::Path::new(&path))),
            HostRequest::Save {
                path,
                suggested_name,
                text,
            } => {
                let target = path.map(PathBuf::from).or_else(|| {
                    rfd::FileDialog::new()
                        .add_filter("Archsmith model", &["ron"])
                        .set_file_name(&suggested_name)
                        .save_file()
                });
                let Some(target) = target else {
                    return Some(HostEvent::Cancelled);
                };
                Some(match write_atomic(&target, text.as_bytes()) {
                    Ok(()) => {
                        let path = target.display().to_string();
                        self.remember(&path);
                        HostEvent::Saved { path }
                    }
                    Err(error) => HostEvent::Failed {
                        message: format!("{}: cannot write: {error}", target.display()),
                    },
                })
            }
            HostRequest::Export {
                suggested_name,
                output,
            } => {
                let (target, output) = match output {
                    ExportPayload::File(bytes) => (
                        rfd::FileDialog::new()
                            .set_file_name(&suggested_name)
                            .save_file(),
                        Output::File(bytes),
                    ),
                    // The editor runs in this process: its files are the exporter's own.
                    ExportPayload::Folder { files, .. } => (
                        rfd::FileDialog::new()
                            .pick_folder()
                            .map(|d| d.join(&suggested_name)),
                        Output::Folder(files),
                    ),
                };
                let Some(target) = target else {
                    return Some(HostEvent::Cancelled);
                };
                Some(match write_output(&output, &target, false) {
                    Ok(_) => HostEvent::Exported {
                        path: target.display().to_string(),
                    },
                    Err(error) => HostEvent::Failed {
                        message: error.to_string(),
                    },
                })
            }
            HostRequest::Autosave { path, text } => {
                self.recovery_op("autosave", true, |store, me| {
                    store.save_recovery(me, path.as_deref(), &text).map(drop)
                })
            }
            HostRequest::ClearRecovery { path } => {
                self.recovery_op("dropping the recovery copy", false, |store, me| {
                    store.clear_recovery(me, path.as_deref())
                })
            }
            HostRequest::AdoptRecovery { key } => {
                self.recovery_op("recovery", true, |store, me| {
                    let key = RecoveryKey::parse(&key).map_err(std::io::Error::other)?;
                    store.adopt_recovery(me, &key).map(drop)
                })
            }
            HostRequest::DiscardRecovery { key } => {
                self.recovery_op("discarding the recovery copy", false, |store, _| {
                    let key = RecoveryKey::parse(&key).map_err(std::io::Error::other)?;
                    store.discard_recovery(&key)
                })
            }
            HostRequest::RecentFiles => Some(HostEvent::RecentFiles(
                self.store
                    .as_ref()
                    .map(SessionStore::recent)
                    .unwrap_or_default(),
            )),
            HostRequest::LayOut { model } => {
                let (answer, answered) = mpsc::channel();
                std::thread::spawn(move || {
                    let laid_out = layout_text(&model, "model", Catalog::builtin())
                        .map(Box::new)
                        .map_err(|error| error.to_string());
                    // The editor may be gone by now; then nobody waits for the answer.
                    let _ = answer.send(HostEvent::LaidOut(laid_out));
                });
                self.layouts.push(answered);
                None
            }
        }
    }

    /// The layouts finished since the last call; one whose thread died answers that it failed.
    fn finished_layouts(&mut self) -> Vec<HostEvent> {
        let mut finished = Vec::new();
        self.layouts.retain(|answered| match answered.try_recv() {
            Ok(event) => {
                finished.push(event);
                false
            }
            Err(TryRecvError::Empty) => true,
            Err(TryRecvError::Disconnected) => {
                finished.push(HostEvent::LaidOut(Err(
                    "laying out stopped unexpectedly".to_owned()
                )));
                false
            }
        });
        finished
    }
}

impl Host for NativeHost {
    fn request(&mut self, request: HostRequest) {
        if let Some(event) = self.handle(request) {
            self.events.push(event);
        }
    }

    fn poll(&mut self) -> Vec<HostEvent> {
        let finished = self.finished_layouts();
        self.events.extend(finished);
        std::mem::take(&mut self.events)
    }
}
