//! Compact indexes over a document, resolved once when an [`ArchGraph`](super::ArchGraph) is
//! built. Rules scan these instead of the model: a [`Connection`] is two hundred bytes with its
//! strings all over the heap, and on a model bigger than the CPU caches every one of them a
//! rule reads is a cache miss. Rules filter on the compact form and read the model only for
//! the elements that pass.

use rustc_hash::FxHashMap;

use crate::catalog::{Catalog, ConnectionStyle, PropertySpec};
use crate::model::{AuthMode, Connection, Properties, PropertyValue};

/// A position as the compact indexes store it. Models never approach four billion elements.
pub(super) fn compact(position: usize) -> u32 {
    u32::try_from(position).unwrap_or(u32::MAX)
}

/// What rules ask of a connection most often, in twenty-four bytes.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    /// The connection's position in the document.
    pub(super) position: u32,
    /// The positions of its two ends; `u32::MAX` for an end the document lacks.
    pub(super) from: u32,
    pub(super) to: u32,
    /// The properties it sets itself.
    pub(super) overrides: Overrides,
    /// Its kind's position in the catalog; `None` for a kind the catalog does not know.
    pub(super) kind: Option<u16>,
    style: Option<ConnectionStyle>,
    sync: bool,
    sync_override: Option<bool>,
    tls: bool,
    auth: AuthMode,
}

impl Link {
    /// `kind` is the connection kind's catalog position.
    pub(super) fn new(
        position: usize,
        connection: &Connection,
        kind: Option<u16>,
        ends: Option<(usize, usize)>,
        catalog: &Catalog,
    ) -> Self {
        let spec = kind.and_then(|slot| catalog.connection_kinds().get(usize::from(slot)));
        let (from, to) = ends.map_or((u32::MAX, u32::MAX), |(from, to)| {
            (compact(from), compact(to))
        });
        // The same answers as `Catalog::style` and `Catalog::is_sync`, from the kind found once.
        let style = spec.map(|k| k.style);
        Self {
            position: compact(position),
            from,
            to,
            overrides: Overrides::new(&connection.properties, |name| spec?.property_position(name)),
            kind,
            style,
            sync: connection
                .sync
                .unwrap_or(style == Some(ConnectionStyle::Sync)),
            sync_override: connection.sync,
            tls: connection.tls,
            auth: connection.auth,
        }
    }

    /// The connection's position in the document.
    pub fn position(&self) -> usize {
        self.position as usize
    }

    /// Both ends' positions in the document, when the document has both.
    pub fn ends(&self) -> Option<(usize, usize)> {
        (self.from != u32::MAX && self.to != u32::MAX)
            .then_some((self.from as usize, self.to as usize))
    }

    /// The kind's interaction style; `None` for a kind the catalog does not know.
    pub fn style(&self) -> Option<ConnectionStyle> {
        self.style
    }

    /// Whether the caller waits: the connection's override, else its kind's style.
    pub fn is_sync(&self) -> bool {
        self.sync
    }

    /// The connection's own `sync` setting, if it overrides its kind.
    pub fn sync_override(&self) -> Option<bool> {
        self.sync_override
    }

    pub fn tls(&self) -> bool {
        self.tls
    }

    pub fn auth(&self) -> AuthMode {
        self.auth
    }
}

/// Catalog positions of kind ids, remembered: a model uses a few dozen kinds, so after the
/// first of each a hash lookup replaces the string comparisons of a search through the catalog.
#[derive(Debug, Default)]
pub(super) struct SlotMemo<'a> {
    slots: FxHashMap<&'a str, Option<u16>>,
}

impl<'a> SlotMemo<'a> {
    pub(super) fn slot(
        &mut self,
        id: &'a str,
        search: impl FnOnce(&str) -> Option<usize>,
    ) -> Option<u16> {
        *self
            .slots
            .entry(id)
            .or_insert_with(|| search(id).and_then(|slot| u16::try_from(slot).ok()))
    }
}

/// Every component's connections in one direction, side by side (compressed sparse rows).
/// petgraph chains a node's edges through its whole edge list, a cache line per edge; here a
/// component's connections share one or two lines, which keeps neighbourhood queries linear
/// once a model outgrows the CPU caches.
#[derive(Debug, Default)]
pub(super) struct Adjacency {
    /// Per component position, where its links start; a last element marks the end.
    starts: Vec<u32>,
    /// Links grouped by the component at this end, in connection (id) order within a group.
    links: Vec<Link>,
}

impl Adjacency {
    /// From links in connection order, grouped by the end `this` picks, by counting sort.
    pub(super) fn new(components: usize, links: &[Link], this: impl Fn(&Link) -> u32) -> Self {
        let mut starts = vec![0u32; components + 1];
        for link in links.iter().filter(|l| l.ends().is_some()) {
            if let Some(count) = starts.get_mut(this(link) as usize + 1) {
                *count += 1;
            }
        }
        for index in 1..starts.len() {
            starts[index] += starts[index - 1];
        }
        let mut next = starts.clone();
        let mut grouped = Vec::new();
        grouped.resize(starts.last().copied().unwrap_or(0) as usize, None);
        for link in links.iter().filter(|l| l.ends().is_some()) {
            if let Some(slot) = next.get_mut(this(link) as usize) {
                if let Some(entry) = grouped.get_mut(*slot as usize) {
                    *entry = Some(*link);
                }
                *slot += 1;
            }
        }
        Self {
            starts,
            links: grouped.into_iter().flatten().collect(),
        }
    }

    pub(super) fn of(&self, position: usize) -> &[Link] {
        let start = self.starts.get(position).copied().unwrap_or(0) as usize;
        let end = self.starts.get(position + 1).copied().unwrap_or(0) as usize;
        self.links.get(start..end).unwrap_or(&[])
    }
}

/// Which of its kind's properties an element sets itself: one bit per position in the kind's
/// list. A lookup whose bit is clear takes the kind's default without reading the element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Overrides(u32);

impl Overrides {
    /// An element with a property the mask cannot name (one its kind does not declare, or past
    /// the thirty-second): every lookup reads the element.
    const UNKNOWN: Self = Self(u32::MAX);

    pub(super) fn new(properties: &Properties, position: impl Fn(&str) -> Option<usize>) -> Self {
        let mut bits = 0u32;
        for name in properties.keys() {
            match position(name).and_then(Self::bit) {
                Some(bit) => bits |= bit,
                None => return Self::UNKNOWN,
            }
        }
        Self(bits)
    }

    fn bit(position: usize) -> Option<u32> {
        1u32.checked_shl(u32::try_from(position).ok()?)
    }

    /// Resolves a property without reading the element: `Some(answer)` when the mask settles
    /// it (the kind's default, or no such property), `None` when the element must be read.
    pub(super) fn settle(
        self,
        specs: &[PropertySpec],
        position: Option<usize>,
    ) -> Option<Option<&PropertyValue>> {
        if self == Self::UNKNOWN {
            return None;
        }
        match position {
            None => Some(None),
            Some(i) => match Self::bit(i) {
                Some(bit) if self.0 & bit == 0 => Some(specs.get(i).map(|spec| &spec.default)),
                _ => None,
            },
        }
    }
}
