// The webview's console is invisible when the app runs headless: forward it to the shell.
(function () {
  const invoke = (level, message) => {
    try { window.__TAURI__.core.invoke("log", { level, message: String(message) }); } catch (_) {}
  };
  for (const level of ["log", "info", "warn", "error"]) {
    const original = console[level].bind(console);
    console[level] = (...args) => { original(...args); invoke(level, args.join(" ")); };
  }
  window.addEventListener("error", (e) => invoke("error", `${e.message} at ${e.filename}:${e.lineno}`));
  window.addEventListener("unhandledrejection", (e) => invoke("error", `unhandled rejection: ${e.reason}`));
})();
