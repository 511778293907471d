//! What a component's card and a boundary's title say on a drawing, and where the words
//! sit. The exports and the editor's canvas both write them from here, so a card reads the
//! same wherever the drawing is seen: the same kind label or its short form, the same
//! replica count (the kind's default included), the same tags.

use crate::catalog::Catalog;
use crate::fonts::{self, KIND_SIZE, NAME_LINE, TITLE_SIZE, Weight};
use crate::icons;
use crate::model::{Component, Document, Group, Rect, Size};

/// The side of a card's icon, and its distance from the card's left edge.
pub const ICON: f32 = 28.0;
pub const ICON_LEFT: f32 = 12.0;
/// The gap between the icon and the text, and the text's margin on the card's right.
const ICON_GAP: f32 = 10.0;
const TEXT_RIGHT: f32 = 8.0;
/// The type size of the tags under a card, and the widest a tag's text grows on a card of
/// the standard width.
pub const TAG_SIZE: f32 = 9.5;
const TAG_WIDTH: f32 = 140.0;
/// A tag's chip: its height, the padding either side of its text, the gap to the next,
/// and where the first starts from the card's left edge.
pub const TAG_HEIGHT: f32 = 13.0;
const TAG_PADDING: f32 = 4.0;
const TAG_GAP: f32 = 4.0;
const TAG_LEFT: f32 = 10.0;
/// Where a boundary's title is written from its top-left corner (the name's baseline),
/// and the gap between its name and its kind.
const TITLE_LEFT: f32 = 12.0;
const TITLE_BASELINE: f32 = 22.0;
pub const TITLE_GAP: f32 = 8.0;

/// What a card says, and where each line's baseline lies.
#[derive(Debug, Clone, PartialEq)]
pub struct CardText<'a> {
    /// The icon of the component's kind, where the drawing has one.
    pub icon: Option<icons::Icon>,
    /// Where the text starts: right of the icon, or by the left edge without one.
    pub left: f32,
    /// The name on one line, or wrapped onto two before it is ever cut (see
    /// [`fonts::card_name`]), each with its baseline.
    pub names: Vec<(String, f32)>,
    /// The kind, and how many replicas run where more than one does: a subtitle too long
    /// for the card gives way to the kind's short label, then cuts the kind, never the
    /// count ("Elasticsear… · ×8").
    pub subtitle: String,
    pub subtitle_baseline: f32,
    /// Trust zones and contexts the component belongs to besides the boundaries drawn
    /// around it (see [`Document::drawn_in`]): tags in a row on the card's bottom edge.
    pub tags: Vec<Tag<'a>>,
}

/// A tag hung under a card, written in its boundary's colour on a chip.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag<'a> {
    pub group: &'a Group,
    /// The boundary's name, cut to the widest a tag grows.
    pub text: String,
    pub chip: Rect,
    /// Where the text starts, and its baseline.
    pub x: f32,
    pub baseline: f32,
}

/// What the card of `component`, drawn at `rect`, says.
pub fn card_text<'a>(
    doc: &'a Document,
    catalog: &Catalog,
    component: &Component,
    rect: Rect,
) -> CardText<'a> {
    let icon = catalog
        .kind_of(component)
        .and_then(|kind| icons::icon(&kind.icon));
    let left = rect.x + text_left(icon.is_some());
    let room = rect.x + rect.w - left - TEXT_RIGHT;
    let names = fonts::card_name(&component.name, room, rect.h);
    // The name's lines and the subtitle, centred on the card as a block.
    let first_baseline = rect.y + rect.h / 2.0 - 3.0 - NAME_LINE * (names.len() as f32 - 1.0) / 2.0;
    let subtitle_baseline = first_baseline + NAME_LINE * (names.len() as f32 - 1.0) + 16.0;
    let names = names
        .into_iter()
        .enumerate()
        .map(|(line, name)| (name, first_baseline + NAME_LINE * line as f32))
        .collect();
    let mut chip_x = rect.x + TAG_LEFT;
    let baseline = rect.y + rect.h + 4.5;
    // A card widened for its name (see `layout::fitted_sizes`) gives its tags the room too:
    // "HIPAA PHI zone (designated record set)" whole under a 240 px card.
    let widest = TAG_WIDTH + (rect.w - Size::default().w).max(0.0);
    let tags = tagged_groups(doc, component)
        .into_iter()
        .map(|group| {
            let text = fonts::fit(&group.name, TAG_SIZE, Weight::SemiBold, widest);
            let width = fonts::text_width(&text, TAG_SIZE, Weight::SemiBold) + 2.0 * TAG_PADDING;
            let chip = Rect::new(chip_x, baseline - 9.5, width, TAG_HEIGHT);
            chip_x += width + TAG_GAP;
            Tag {
                group,
                text,
                chip,
                x: chip.x + TAG_PADDING,
                baseline,
            }
        })
        .collect();
    CardText {
        icon,
        left,
        names,
        subtitle: subtitle(doc, catalog, component, room),
        subtitle_baseline,
        tags,
    }
}

/// Where a card's text starts, from its left edge: past the icon, when the kind has one.
fn text_left(icon: bool) -> f32 {
    if icon {
        ICON_LEFT + ICON + ICON_GAP
    } else {
        ICON_LEFT
    }
}

/// Whether a card of `size` shows the component's name whole (see [`fonts::card_name`]):
/// not cut with an ellipsis, and wrapped between words, after a hyphen the name has, or
/// inside a word with a hyphen added ("Recommenda-tions"); never inside a word without one
/// ("Clinical DB (Postgre / SQL Flexible Server)" reads as two words). (Widening cards
/// until no word is hyphenated either, as an independent review asked of "Man-ager", drew
/// payments with 28 crossings where it has 16 and video-streaming with 76 where it has 58.)
pub fn name_fits(catalog: &Catalog, component: &Component, size: Size) -> bool {
    let icon = catalog
        .kind_of(component)
        .is_some_and(|kind| icons::icon(&kind.icon).is_some());
    let room = size.w - text_left(icon) - TEXT_RIGHT;
    let name = component.name.trim();
    match fonts::card_name(name, room, size.h).as_slice() {
        [line] => line == name,
        [first, second] => {
            let hyphenated = first
                .strip_suffix('-')
                .map(|start| format!("{start}{second}"));
            format!("{first} {second}") == name
                || (first.ends_with('-') && format!("{first}{second}") == name)
                || hyphenated.as_deref() == Some(name)
        }
        _ => false,
    }
}

/// The trust zones and contexts a component belongs to besides the boundaries drawn around
/// it (see [`Document::drawn_in`]): what its card is tagged with. A box drawn in its
/// namespace is a member of the PHI zone too, and every diagram says so.
pub fn tagged_groups<'a>(doc: &'a Document, component: &Component) -> Vec<&'a Group> {
    let around = doc.group_chain(doc.drawn_in(component));
    doc.memberships(component)
        .into_iter()
        .filter(|group| !around.iter().any(|g| g.id == group.id))
        .collect()
}

/// The line a diagram made of text writes under a box's kind for its tags (see
/// [`tagged_groups`]): `[HIPAA PHI zone · Care delivery]`, or nothing without tags. Raw:
/// each format escapes it as it escapes names.
pub fn tags_line(doc: &Document, component: &Component) -> Option<String> {
    let names: Vec<&str> = tagged_groups(doc, component)
        .into_iter()
        .map(|group| group.name.as_str())
        .collect();
    (!names.is_empty()).then(|| format!("[{}]", names.join(" · ")))
}

/// The kind and the replica count, whole: for a drawing whose boxes grow to fit their text
/// (draw.io).
pub fn kind_and_count(doc: &Document, catalog: &Catalog, component: &Component) -> String {
    format!(
        "{}{}",
        kind_name(doc, catalog, component),
        count(catalog, component)
    )
}

/// What a diagram calls the component's kind: the product its target cloud deploys it as,
/// where that is another than the kind names, else the kind's label. Every diagram format
/// names it so, as the cards do.
pub fn kind_name<'c>(doc: &Document, catalog: &'c Catalog, component: &'c Component) -> &'c str {
    kind_names(doc, catalog, component).0
}

/// What a card calls the component's kind, in full and short: the product the model's
/// target cloud deploys it as, where that is another than the kind names (see
/// [`crate::catalog::CloudService::product`]), else the kind's label and short label.
fn kind_names<'c>(
    doc: &Document,
    catalog: &'c Catalog,
    component: &'c Component,
) -> (&'c str, &'c str) {
    let hosting = || {
        catalog
            .property(component, "hosting")
            .and_then(|v| v.as_text())
    };
    let product = doc.meta.cloud.and_then(|cloud| {
        catalog
            .kind_of(component)?
            .service_on(cloud, hosting)?
            .product
            .as_deref()
    });
    match product {
        Some(product) => (product, product),
        None => (catalog.kind_label(component), catalog.kind_short(component)),
    }
}

/// " · ×N" where more than one replica runs, else nothing. The replica count is what tells
/// the cards of one kind apart. A kind's default counts as the analyses count it: a
/// Cassandra ring runs three nodes unless it says otherwise.
fn count(catalog: &Catalog, component: &Component) -> String {
    catalog
        .property(component, "replicas")
        .and_then(|v| v.as_int())
        .filter(|&n| n > 1)
        .map(|replicas| format!(" · ×{replicas}"))
        .unwrap_or_default()
}

/// The kind and the replica count, in `room`.
fn subtitle(doc: &Document, catalog: &Catalog, component: &Component, room: f32) -> String {
    let count = count(catalog, component);
    let (label, short) = kind_names(doc, catalog, component);
    let kind_room = room - fonts::text_width(&count, KIND_SIZE, Weight::Regular);
    // A label too long for the card gives way to the kind's short one, read whole
    // ("Worker · ×16" where "Worker / con… · ×16" said little).
    let kind = Some(label)
        .filter(|label| fonts::text_width(label, KIND_SIZE, Weight::Regular) <= kind_room)
        .unwrap_or(short);
    if kind_room >= fonts::text_width(kind, KIND_SIZE, Weight::Regular) / 3.0 {
        format!(
            "{}{count}",
            fonts::fit(kind, KIND_SIZE, Weight::Regular, kind_room)
        )
    } else {
        fonts::fit(&format!("{kind}{count}"), KIND_SIZE, Weight::Regular, room)
    }
}

/// A boundary's title: its name in the boundary's colour, then its kind in the subtitles',
/// where both fit (see [`fonts::boundary_title`]).
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryTitle {
    pub name: String,
    pub kind: Option<&'static str>,
    /// Where the name starts, and the baseline both sit on.
    pub x: f32,
    pub baseline: f32,
    /// Where the kind starts.
    pub kind_x: f32,
}

/// The title of `group`, drawn at `rect`.
pub fn boundary_title(group: &Group, rect: Rect) -> BoundaryTitle {
    let (name, kind) = fonts::boundary_title(&group.name, group.kind.label(), rect.w);
    let x = rect.x + TITLE_LEFT;
    let kind_x = x + fonts::text_width(&name, TITLE_SIZE, Weight::SemiBold) + TITLE_GAP;
    BoundaryTitle {
        name,
        kind,
        x,
        baseline: rect.y + TITLE_BASELINE,
        kind_x,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ComponentId, GroupId, GroupKind, KindId, Meta, Point, PropertyValue, Size};

    fn card(kind: &str, name: &str, width: f32) -> Component {
        let id = ComponentId::new("c").expect("slug");
        let mut component = Component::new(id, KindId::new(kind), name, Point::default());
        component.size = Size::new(width, 64.0);
        component
    }

    fn boundary(kind: GroupKind, name: &str) -> Group {
        Group {
            id: GroupId::new("g").expect("slug"),
            kind,
            name: name.into(),
            description: String::new(),
            location: None,
            parent: None,
            rect: Rect::default(),
        }
    }

    #[test]
    fn the_count_comes_from_the_kind_default_unless_the_component_says_otherwise() {
        let catalog = Catalog::builtin();
        let doc = Document::new(Meta::default());
        let ring = card("cassandra", "Events store", 200.0);
        let text = card_text(&doc, catalog, &ring, ring.rect());
        assert_eq!(text.subtitle, "Cassandra · ×3");
        let mut single = ring.clone();
        single
            .properties
            .insert("replicas".into(), PropertyValue::Int(1));
        assert_eq!(
            card_text(&doc, catalog, &single, single.rect()).subtitle,
            "Cassandra"
        );
    }

    #[test]
    fn a_narrow_card_cuts_the_kind_and_keeps_the_count() {
        let catalog = Catalog::builtin();
        let doc = Document::new(Meta::default());
        let mut search = card("elasticsearch", "Search", 120.0);
        search
            .properties
            .insert("replicas".into(), PropertyValue::Int(8));
        let text = card_text(&doc, catalog, &search, search.rect());
        assert!(text.subtitle.ends_with(" · ×8"), "{}", text.subtitle);
        assert!(text.subtitle.contains('…'), "{}", text.subtitle);
    }

    #[test]
    fn a_long_kind_label_gives_way_to_the_short_one() {
        let catalog = Catalog::builtin();
        let doc = Document::new(Meta::default());
        let collector = card("otel-collector", "Collector", 160.0);
        let text = card_text(&doc, catalog, &collector, collector.rect());
        let kind = catalog.kind_of(&collector).expect("kind");
        assert!(!kind.short.is_empty());
        assert_eq!(text.subtitle, kind.short);
    }

    #[test]
    fn a_card_names_the_product_its_target_cloud_deploys() {
        let catalog = Catalog::builtin();
        let mut doc = Document::new(Meta::default());
        let kafka = card("kafka", "Order events", 200.0);
        let tracing = card("jaeger", "Tracing", 200.0);
        let orders = card("postgresql", "Orders", 200.0);
        let subtitle =
            |doc: &Document, c: &Component| card_text(doc, catalog, c, c.rect()).subtitle;
        assert_eq!(subtitle(&doc, &kafka), "Kafka", "no cloud: the kind");
        doc.meta.cloud = Some(crate::model::Cloud::Gcp);
        assert_eq!(subtitle(&doc, &kafka), "Pub/Sub");
        assert_eq!(subtitle(&doc, &tracing), "Cloud Trace");
        assert_eq!(
            subtitle(&doc, &orders),
            "PostgreSQL",
            "Cloud SQL runs PostgreSQL"
        );
        doc.meta.cloud = Some(crate::model::Cloud::Azure);
        assert_eq!(subtitle(&doc, &tracing), "Application Insights");
        assert_eq!(
            kind_and_count(&doc, catalog, &kafka),
            "Event Hubs",
            "draw.io says so too"
        );
        let mut bought = kafka.clone();
        bought
            .properties
            .insert("hosting".into(), PropertyValue::Text("saas".into()));
        assert_eq!(
            subtitle(&doc, &bought),
            "Kafka",
            "bought as SaaS: not deployed"
        );
    }

    #[test]
    fn a_title_writes_its_kind_after_the_name() {
        let group = boundary(GroupKind::Vpc, "Production VPC");
        let title = boundary_title(&group, Rect::new(100.0, 50.0, 600.0, 300.0));
        assert_eq!(title.name, "Production VPC");
        assert_eq!(title.kind, Some("VPC / network"));
        assert_eq!((title.x, title.baseline), (112.0, 72.0));
        assert!(title.kind_x > title.x + 80.0);
    }

    #[test]
    fn a_narrow_boundary_keeps_its_name_and_drops_its_kind() {
        let group = boundary(GroupKind::PrivateSubnet, "App subnets (3 AZ)");
        let title = boundary_title(&group, Rect::new(0.0, 0.0, 180.0, 300.0));
        assert_eq!(
            (title.name.as_str(), title.kind),
            ("App subnets (3 AZ)", None)
        );
        let narrower = boundary_title(&group, Rect::new(0.0, 0.0, 110.0, 300.0));
        assert!(narrower.name.ends_with('…'), "{narrower:?}");
        let wide = boundary_title(&group, Rect::new(0.0, 0.0, 400.0, 300.0));
        assert_eq!(wide.kind, Some("Private subnet"));
    }
}
