//! JSON: the model as data, for scripts and other tools. Field order follows the model and
//! collections are sorted by id, so output is deterministic.

use super::{ExportError, ExportOptions, Exporter, Output};
use crate::catalog::Catalog;
use crate::model::Document;

#[derive(Debug)]
pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn id(&self) -> &'static str {
        "json"
    }

    fn label(&self) -> &'static str {
        "JSON model"
    }

    fn extension(&self) -> Option<&'static str> {
        Some("json")
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
