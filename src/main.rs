//! The Rapport web app's entry point: mounts the UI (wasm32 only).

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        console_error_panic_hook::set_once();
        leptos::mount::mount_to_body(rapport::ui::App);
    }
}
