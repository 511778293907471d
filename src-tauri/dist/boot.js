// Loads the editor compiled to wasm (written to pkg/ by `cargo xtask desktop`).
try {
  const editor = await import("./pkg/archsmith_ui.js");
  await editor.default();
  await editor.start("archsmith");
  console.info("archsmith editor started");
} catch (error) {
  document.getElementById("missing").style.display = "block";
  document.getElementById("archsmith").style.display = "none";
  console.error(`archsmith editor failed to start: ${error}`);
}
