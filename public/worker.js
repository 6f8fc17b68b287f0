// Rapport's workspace worker. The page posts its own wasm module and the URL
// of its JS glue first, so the worker runs the same build without
// downloading or compiling it again; then Rust takes over (`workerMain`).
// Messages that arrive while the module starts are kept and handed over.
const early = [];
let starting = false;
self.onmessage = (event) => {
  if (starting) {
    early.push(event.data);
    return;
  }
  starting = true;
  const { glue, module } = event.data;
  import(glue)
    .then(async (bindings) => {
      await bindings.default({ module_or_path: module });
      bindings.workerMain(early);
    })
    .catch((error) => self.postMessage({ failed: String(error) }));
};
