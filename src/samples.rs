//! The bundled sample models, embedded so that `archsmith new --template` and the editor's
//! first start work without the repository at hand.

/// A bundled sample: its template name, title and file text.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub name: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

macro_rules! sample {
    ($name:literal, $title:literal) => {
        Sample {
            name: $name,
            title: $title,
            text: include_str!(concat!("../samples/", $name, ".ron")),
        }
    };
}

const SAMPLES: &[Sample] = &[
    sample!("ecommerce", "E-commerce platform (Black Friday)"),
    sample!("social-api", "Social media REST API"),
    sample!("payments-cqrs", "Event-sourced payments with CQRS"),
    sample!("video-streaming", "Video streaming platform"),
    sample!("iot-telemetry", "IoT telemetry pipeline"),
    sample!("workshop-starter", "Workshop starter (deliberately flawed)"),
];

pub fn samples() -> &'static [Sample] {
    SAMPLES
}

pub fn sample(name: &str) -> Option<&'static Sample> {
    SAMPLES.iter().find(|s| s.name == name)
}

/// A generated model of `components` components and about `connections` legal connections,
/// laid out on a grid: the fixture for benchmarks and scale tests. Deterministic.
pub fn synthetic(components: usize, connections: usize) -> crate::Document {
    use crate::model::{
        Component, ComponentId, Connection, ConnectionId, ConnectionKindId, KindId, Meta, Point,
    };

    // One datastore, cache or broker for every nine services, like a real estate of services.
    const SUPPORT: [(&str, &str); 3] = [
        ("postgresql", "db_query"),
        ("redis", "cache_lookup"),
        ("kafka", "publish"),
    ];
    let mut doc = crate::Document::new(Meta {
        name: format!("Synthetic {components}"),
        ..Meta::default()
    });
    let is_service = |i: usize| i % 10 != 9;
    let id_of = |i: usize| format!("c{i:06}");
    for i in 0..components {
        let kind = if is_service(i) {
            "service-go"
        } else {
            SUPPORT[(i / 10) % SUPPORT.len()].0
        };
        let position = Point::new((i % 100) as f32 * 200.0, (i / 100) as f32 * 120.0);
        if let Ok(id) = ComponentId::new(id_of(i)) {
            doc.components.push(Component::new(
                id,
                KindId::new(kind),
                format!("Component {i}"),
                position,
            ));
        }
    }
    let services: Vec<usize> = (0..components).filter(|i| is_service(*i)).collect();
    let support: Vec<usize> = (0..components).filter(|i| !is_service(*i)).collect();
    for n in 0..connections {
        let Some(&from) = services.get(n % services.len().max(1)) else {
            break;
        };
        let (to, kind) = if n % 2 == 0 || support.is_empty() {
            // Calls go to services further along, so the sync graph stays acyclic.
            let step = 1 + (n * 7919) % 97;
            let to = services[(n % services.len() + step) % services.len()];
            (to, "http")
        } else {
            let to = support[(n * 31) % support.len()];
            (to, SUPPORT[(to / 10) % SUPPORT.len()].1)
        };
        if to == from {
            continue;
        }
        if let (Ok(id), Ok(a), Ok(b)) = (
            ConnectionId::new(format!("e{n:06}")),
            ComponentId::new(id_of(from)),
            ComponentId::new(id_of(to)),
        ) {
            doc.connections
                .push(Connection::new(id, a, b, ConnectionKindId::new(kind)));
        }
    }
    doc.normalize();
    doc
}

/// [`synthetic`] with traffic: a web client, one API gateway (1,000 requests/s at peak) in
/// front of every fiftieth service, and targets to meet, so that every analysis has entry
/// points, journeys and load to work through. For benchmarks and scale tests.
pub fn synthetic_served(components: usize, connections: usize) -> crate::Document {
    use crate::model::{
        Component, ComponentId, Connection, ConnectionId, ConnectionKindId, KindId,
    };
    use crate::model::{Point, PropertyValue};

    let mut doc = synthetic(components, connections);
    doc.meta.targets.availability_slo = Some(99.9);
    doc.meta.targets.p99_latency_ms = Some(300);
    doc.meta.targets.rpo_minutes = Some(15);
    doc.meta.cloud = Some(crate::model::Cloud::Aws);
    let client = ComponentId::new("web");
    let services: Vec<ComponentId> = doc
        .components
        .iter()
        .filter(|c| c.kind.as_str() == "service-go")
        .map(|c| c.id.clone())
        .step_by(50)
        .collect();
    let Ok(client) = client else {
        return doc;
    };
    doc.components.push(Component::new(
        client.clone(),
        KindId::new("web-client"),
        "Web".to_owned(),
        Point::new(-400.0, 0.0),
    ));
    for (n, service) in services.iter().enumerate() {
        let (Ok(gateway), Ok(inbound), Ok(outbound)) = (
            ComponentId::new(format!("gw{n:05}")),
            ConnectionId::new(format!("in{n:05}")),
            ConnectionId::new(format!("out{n:05}")),
        ) else {
            continue;
        };
        let mut component = Component::new(
            gateway.clone(),
            KindId::new("api-gateway"),
            format!("Gateway {n}"),
            Point::new(-200.0, n as f32 * 120.0),
        );
        component
            .properties
            .insert("peak_rps".into(), PropertyValue::Int(1000));
        doc.components.push(component);
        doc.connections.push(Connection::new(
            inbound,
            client.clone(),
            gateway.clone(),
            ConnectionKindId::new("http"),
        ));
        doc.connections.push(Connection::new(
            outbound,
            gateway,
            service.clone(),
            ConnectionKindId::new("http"),
        ));
    }
    doc.normalize();
    doc
}
