//! The Rapport web app's entry point: mounts the UI (wasm32 only).

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        // The workspace worker instantiates this same module: it has no
        // page to mount on, and starts through `workerMain` instead.
        if web_sys::window().is_none() {
            return;
        }
        console_error_panic_hook::set_once();
        leptos::mount::mount_to_body(rapport::ui::App);
    }
}
