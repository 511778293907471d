//! Errors of the shell's commands, serialised to the webview as `{code, message}`.

use serde::ser::SerializeStruct;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("access to {0} was not granted: open it through a dialog first")]
    NotAllowed(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Export(#[from] archsmith::export::ExportError),
    #[error("the model cannot be read: {0}")]
    Model(String),
    #[error("there is no export format `{0}`")]
    UnknownFormat(String),
    #[error("the `{0}` export writes one file, not a folder")]
    NotAFolderExport(String),
    #[error(transparent)]
    BadRecoveryKey(#[from] archsmith::session::BadRecoveryKey),
    #[error("recovery copies cannot be kept: {0}")]
    RecoveryUnavailable(String),
    #[error("the app state is unavailable")]
    State,
    #[error("the work stopped before it was done: {0}")]
    Stopped(String),
}

impl CommandError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotAllowed(_) => "not_allowed",
            Self::Io { .. } => "io",
            Self::Export(_) => "export",
            Self::Model(_) => "invalid_model",
            Self::UnknownFormat(_) => "unknown_format",
            Self::NotAFolderExport(_) => "not_a_folder_export",
            Self::BadRecoveryKey(_) => "bad_recovery_key",
            Self::RecoveryUnavailable(_) => "recovery_unavailable",
            Self::State => "state",
            Self::Stopped(_) => "stopped",
        }
    }

    pub fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

impl serde::Serialize for CommandError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("CommandError", 2)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
