// Parses each AsyncAPI document given on the command line with @asyncapi/parser (the
// reference parser: schema validation plus the spectral rules it ships) and fails on any
// error diagnostic. Warnings are printed, not fatal.
// Usage: NODE_PATH=<dir with @asyncapi/parser> node scripts/check-asyncapi.cjs FILE...
"use strict";
const fs = require("node:fs");
const { Parser } = require("@asyncapi/parser");

async function main(files) {
  if (files.length === 0) {
    throw new Error("no AsyncAPI files given");
  }
  const parser = new Parser();
  let failed = 0;
  for (const file of files) {
    const { document, diagnostics } = await parser.parse(fs.readFileSync(file, "utf8"), {
      source: file,
    });
    // DiagnosticSeverity: 0 error, 1 warning, 2 information, 3 hint.
    const errors = diagnostics.filter((d) => d.severity === 0);
    for (const d of diagnostics.filter((d) => d.severity <= 1)) {
      const where = d.path && d.path.length ? d.path.join(".") : "(document)";
      console.log(`${file}: ${d.severity === 0 ? "error" : "warning"} ${d.code} at ${where}: ${d.message}`);
    }
    if (!document || errors.length > 0) {
      failed += 1;
    }
  }
  if (failed > 0) {
    throw new Error(`${failed} AsyncAPI document(s) do not parse`);
  }
  console.log(`asyncapi ok: ${files.length} documents`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e.message);
  process.exit(1);
});
