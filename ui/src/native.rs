//! The native host: rfd dialogs, std::fs with atomic writes, and the session store in the
//! platform's data folder. Dialogs block, which is fine outside the browser.

use std::path::PathBuf;

use archsmith::export::{Output, write_output};
use archsmith::format::write_atomic;
use archsmith::session::SessionStore;

use crate::host::{ExportPayload, Host, HostEvent, HostRequest};

#[derive(Debug)]
pub struct NativeHost {
    events: Vec<HostEvent>,
    store: Option<SessionStore>,
    /// A file named on the command line, opened at startup.
    startup_file: Option<PathBuf>,
}

impl NativeHost {
    pub fn new(startup_file: Option<PathBuf>) -> Self {
        Self {
            events: Vec::new(),
            store: SessionStore::default_dir().map(SessionStore::new),
            startup_file,
        }
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
                if let Some(text) = self.store.as_ref().and_then(SessionStore::recovery) {
                    self.events.push(HostEvent::RecoveryAvailable { text });
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
                    ExportPayload::Folder(files) => (
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
            HostRequest::Autosave { text } => {
                let result = self.store.as_ref().map(|s| s.save_recovery(&text));
                match result {
                    Some(Err(error)) => Some(HostEvent::Failed {
                        message: format!("autosave failed: {error}"),
                    }),
                    _ => None,
                }
            }
            HostRequest::ClearRecovery => {
                if let Some(store) = &self.store {
                    let _ = store.clear_recovery();
                }
                None
            }
            HostRequest::RecentFiles => Some(HostEvent::RecentFiles(
                self.store
                    .as_ref()
                    .map(SessionStore::recent)
                    .unwrap_or_default(),
            )),
        }
    }
}

impl Host for NativeHost {
    fn request(&mut self, request: HostRequest) {
        if let Some(event) = self.handle(request) {
            self.events.push(event);
        }
    }

    fn poll(&mut self) -> Vec<HostEvent> {
        std::mem::take(&mut self.events)
    }
}
