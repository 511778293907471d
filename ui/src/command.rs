//! Every user action the editor offers, in one enum: menus, shortcuts and the command palette
//! all read their labels and keys from here, so they never disagree.

use egui::{Key, KeyboardShortcut, Modifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UiCommand {
    New,
    Open,
    Save,
    SaveAs,
    Export,
    Undo,
    Redo,
    Cut,
    Copy,
    Paste,
    Duplicate,
    Delete,
    SelectAll,
    Rename,
    AddNote,
    AddBoundary,
    FitView,
    ZoomIn,
    ZoomOut,
    ResetZoom,
    ToggleGrid,
    ToggleSnap,
    ToggleMinimap,
    TidyUp,
    Present,
    CommandPalette,
    About,
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers {
    shift: true,
    ..Modifiers::COMMAND
};

impl UiCommand {
    pub const ALL: [UiCommand; 27] = [
        Self::New,
        Self::Open,
        Self::Save,
        Self::SaveAs,
        Self::Export,
        Self::Undo,
        Self::Redo,
        Self::Cut,
        Self::Copy,
        Self::Paste,
        Self::Duplicate,
        Self::Delete,
        Self::SelectAll,
        Self::Rename,
        Self::AddNote,
        Self::AddBoundary,
        Self::FitView,
        Self::ZoomIn,
        Self::ZoomOut,
        Self::ResetZoom,
        Self::ToggleGrid,
        Self::ToggleSnap,
        Self::ToggleMinimap,
        Self::TidyUp,
        Self::Present,
        Self::CommandPalette,
        Self::About,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Open => "Open…",
            Self::Save => "Save",
            Self::SaveAs => "Save as…",
            Self::Export => "Export…",
            Self::Undo => "Undo",
            Self::Redo => "Redo",
            Self::Cut => "Cut",
            Self::Copy => "Copy",
            Self::Paste => "Paste",
            Self::Duplicate => "Duplicate",
            Self::Delete => "Delete",
            Self::SelectAll => "Select all",
            Self::Rename => "Rename",
            Self::AddNote => "Add sticky note",
            Self::AddBoundary => "Add boundary",
            Self::FitView => "Fit to view",
            Self::ZoomIn => "Zoom in",
            Self::ZoomOut => "Zoom out",
            Self::ResetZoom => "Actual size",
            Self::ToggleGrid => "Show grid",
            Self::ToggleSnap => "Snap to grid",
            Self::ToggleMinimap => "Show minimap",
            Self::TidyUp => "Tidy up",
            Self::Present => "Present",
            Self::CommandPalette => "Command palette…",
            Self::About => "About Archsmith",
        }
    }

    pub fn tooltip(self) -> &'static str {
        match self {
            Self::New => "Start an empty model",
            Self::Open => "Open a model file",
            Self::Save => "Save the model",
            Self::SaveAs => "Save the model under a new name",
            Self::Export => "Export diagrams, infrastructure code or documents",
            Self::Undo => "Undo the last change",
            Self::Redo => "Redo the last undone change",
            Self::Cut => "Cut the selection to the clipboard (as RON text)",
            Self::Copy => "Copy the selection to the clipboard (as RON text)",
            Self::Paste => "Paste components from the clipboard",
            Self::Duplicate => "Duplicate the selection",
            Self::Delete => "Delete the selection; connections of deleted components go too",
            Self::SelectAll => "Select every component",
            Self::Rename => "Rename the selected element",
            Self::AddNote => "Add a sticky note at the centre of the view",
            Self::AddBoundary => "Add a boundary around the selection",
            Self::FitView => "Zoom to show the whole model",
            Self::ZoomIn => "Zoom in",
            Self::ZoomOut => "Zoom out",
            Self::ResetZoom => "Zoom to 100%",
            Self::ToggleGrid => "Show or hide the grid",
            Self::ToggleSnap => "Snap moved components to the grid",
            Self::ToggleMinimap => "Show or hide the minimap",
            Self::TidyUp => "Lay out unpinned components automatically",
            Self::Present => {
                "Full screen, large type, one view at a time: arrows step through views and flows, Esc ends"
            }
            Self::CommandPalette => "Search every command",
            Self::About => "Version and licences",
        }
    }

    /// The keyboard shortcut, when the command has one.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let key = |modifiers, key| Some(KeyboardShortcut::new(modifiers, key));
        match self {
            Self::New => key(CTRL, Key::N),
            Self::Open => key(CTRL, Key::O),
            Self::Save => key(CTRL, Key::S),
            Self::SaveAs => key(CTRL_SHIFT, Key::S),
            Self::Export => key(CTRL, Key::E),
            Self::Undo => key(CTRL, Key::Z),
            Self::Redo => key(CTRL_SHIFT, Key::Z),
            Self::Duplicate => key(CTRL, Key::D),
            Self::Delete => key(Modifiers::NONE, Key::Delete),
            Self::SelectAll => key(CTRL, Key::A),
            Self::Rename => key(Modifiers::NONE, Key::F2),
            Self::FitView => key(Modifiers::NONE, Key::F),
            Self::ZoomIn => key(CTRL, Key::Plus),
            Self::ZoomOut => key(CTRL, Key::Minus),
            Self::ResetZoom => key(CTRL, Key::Num0),
            Self::CommandPalette => key(CTRL, Key::K),
            Self::AddNote => key(Modifiers::NONE, Key::N),
            Self::Present => key(Modifiers::NONE, Key::F5),
            // Cut, copy and paste arrive as clipboard events, not keys.
            _ => None,
        }
    }

    /// Extra keys that also trigger the command.
    pub fn alternate_shortcuts(self) -> &'static [KeyboardShortcut] {
        const REDO_Y: KeyboardShortcut = KeyboardShortcut::new(CTRL, Key::Y);
        const BACKSPACE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::NONE, Key::Backspace);
        match self {
            Self::Redo => &[REDO_Y],
            Self::Delete => &[BACKSPACE],
            _ => &[],
        }
    }

    /// Commands that act on the canvas only make sense while no text field has focus.
    pub fn is_canvas_key(self) -> bool {
        matches!(
            self,
            Self::Delete | Self::FitView | Self::AddNote | Self::SelectAll | Self::Rename
        )
    }
}

/// Commands gathered during a frame, run after drawing.
#[derive(Debug, Default)]
pub struct CommandQueue {
    queued: Vec<UiCommand>,
}

impl CommandQueue {
    pub fn push(&mut self, command: UiCommand) {
        self.queued.push(command);
    }

    pub fn take(&mut self) -> Vec<UiCommand> {
        std::mem::take(&mut self.queued)
    }
}
