//! The user interface: Leptos components, tablet first (1024×768 landscape
//! and 768×1024 portrait). Components stay thin: they read the state's
//! signals and call its commands; every rule lives in `domain`.

mod account_form;
mod account_list;
mod account_page;
mod app;
mod backup;
mod confirm_delete;
mod conflicts;
mod contacts;
mod messages;
mod qr;
mod screen;
mod status;
mod team;
mod timeline;
mod touch_form;

pub use app::App;
