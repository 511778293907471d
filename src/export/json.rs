//! JSON: the model as data, for scripts and other tools. Field order follows the model and
//! collections are sorted by id, so output is deterministic.

use super::{ExportError, ExportOptions, Exporter, Format, Output};
use crate::catalog::Catalog;
use crate::model::Document;

#[derive(Debug)]
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn format(&self) -> &'static Format {
        &Format {
            id: "json",
            label: "JSON model",
            extension: Some("json"),
        }
    }

    fn export(
        &self,
        doc: &Document,
        _catalog: &Catalog,
        _options: &ExportOptions,
    ) -> Result<Output, ExportError> {
        let mut bytes = serde_json::to_vec_pretty(doc).map_err(|e| ExportError::Encode {
            format: "json",
            message: e.to_string(),
        })?;
        bytes.push(b'\n');
        Ok(Output::File(bytes))
    }
}
