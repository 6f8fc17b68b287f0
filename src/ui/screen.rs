//! Which screen the app shows: the one for the address bar's path, kept in
//! step with the browser's history.
//!
//! The app has two screens, so this is all the routing it needs: a screen
//! per path, links that are ordinary `<a href>` elements (opened without a
//! page load), Back and Forward through `popstate`. `leptos_router` did
//! the same, but it and what it pulled in were 42 KB of the shipped app,
//! gzipped (issue 3, P4: 698.5 → 656.2 KB measured with it and without).

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::Screen;

/// The screen shown now (a context: see [`provide_screen`]).
#[derive(Clone, Copy)]
pub struct Here(RwSignal<Screen>);

impl Here {
    /// The screen shown now (tracked).
    pub fn get(self) -> Screen {
        self.0.get()
    }

    /// Opens `screen` as a new history entry, at the top of the page.
    pub fn open(self, screen: Screen) {
        if self.0.get_untracked() == screen {
            return;
        }
        let window = window();
        if let Ok(history) = window.history() {
            let _ =
                history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&screen.path()));
        }
        self.0.set(screen);
        window.scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// The screen shown now, from the context [`provide_screen`] set.
pub fn use_here() -> Here {
    expect_context::<Here>()
}

/// Starts following the address bar: the screen for the current path, then
/// for each Back or Forward, and for each click on a link to a path of the
/// app (not one opened in a new tab, a download, or another site).
pub fn provide_screen() -> Here {
    let here = Here(RwSignal::new(current()));
    provide_context(here);
    let back_or_forward = window_event_listener(ev::popstate, move |_| here.0.set(current()));
    let links = window_event_listener(ev::click, move |event| {
        if let Some(screen) = in_app_link(&event) {
            event.prevent_default();
            here.open(screen);
        }
    });
    on_cleanup(move || {
        back_or_forward.remove();
        links.remove();
    });
    here
}

/// The screen of the address bar's path.
fn current() -> Screen {
    Screen::at(&window().location().pathname().unwrap_or_default())
}

/// The screen a click opens, if it is a plain click on a link within the
/// app.
fn in_app_link(event: &ev::MouseEvent) -> Option<Screen> {
    if event.default_prevented()
        || event.button() != 0
        || event.ctrl_key()
        || event.meta_key()
        || event.shift_key()
        || event.alt_key()
    {
        return None;
    }
    let link = event
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("a[href]")
        .ok()??;
    if link.has_attribute("target") || link.has_attribute("download") {
        return None;
    }
    let href = link.get_attribute("href")?;
    // Only paths of this origin: not "//host", "tel:", "mailto:" or "#…".
    if !href.starts_with('/') || href.starts_with("//") {
        return None;
    }
    Some(Screen::at(
        href.split(['?', '#']).next().unwrap_or_default(),
    ))
}
