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
        Sample { name: $name, title: $title, text: include_str!(concat!("../samples/", $name, ".ron")) }
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
