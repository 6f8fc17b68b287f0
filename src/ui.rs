//! The user interface: Leptos components, tablet first (1024×768 landscape
//! and 768×1024 portrait). Components stay thin: they read the state's
//! signals and call its commands; every rule lives in `domain`, and every
//! word the rep reads in [`words`].
//!
//! The components run in the browser only; [`words`] is plain Rust, tested
//! natively.

#[cfg(target_arch = "wasm32")]
mod account_form;
#[cfg(target_arch = "wasm32")]
mod account_list;
#[cfg(target_arch = "wasm32")]
mod account_page;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod backup;
#[cfg(target_arch = "wasm32")]
mod confirm_delete;
#[cfg(target_arch = "wasm32")]
mod conflicts;
#[cfg(target_arch = "wasm32")]
mod contacts;
#[cfg(target_arch = "wasm32")]
mod orders;
#[cfg(target_arch = "wasm32")]
mod promises;
#[cfg(target_arch = "wasm32")]
mod qr;
#[cfg(target_arch = "wasm32")]
mod reactive;
#[cfg(target_arch = "wasm32")]
mod screen;
#[cfg(target_arch = "wasm32")]
mod status;
#[cfg(target_arch = "wasm32")]
mod team;
#[cfg(target_arch = "wasm32")]
mod team_record;
#[cfg(target_arch = "wasm32")]
mod timeline;
#[cfg(target_arch = "wasm32")]
mod touch_form;
#[cfg(target_arch = "wasm32")]
mod track_record;
#[cfg(target_arch = "wasm32")]
mod typed_input;
#[cfg(target_arch = "wasm32")]
mod update_banner;
// The relationship (issue 14).
#[cfg(target_arch = "wasm32")]
mod owner;
#[cfg(target_arch = "wasm32")]
mod programs;
#[cfg(target_arch = "wasm32")]
mod scorecard;
#[cfg(target_arch = "wasm32")]
mod stage;
// Caring for the client (issue 15).
#[cfg(target_arch = "wasm32")]
mod adoption;
#[cfg(target_arch = "wasm32")]
mod choice;
#[cfg(target_arch = "wasm32")]
mod details;
#[cfg(target_arch = "wasm32")]
mod early_warnings;
#[cfg(target_arch = "wasm32")]
mod form_panel;
#[cfg(target_arch = "wasm32")]
mod health;
#[cfg(target_arch = "wasm32")]
mod losing_touch;
#[cfg(target_arch = "wasm32")]
mod remarks;
#[cfg(target_arch = "wasm32")]
mod team_settings;

pub mod words;

#[cfg(target_arch = "wasm32")]
pub use app::App;
