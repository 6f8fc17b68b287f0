//! Which form fields hold text the rep typed and has not saved yet: what a
//! reload would lose. The app saves a change when its form is submitted, so
//! until then the typed text lives only in the form.
//!
//! A field is noted, with its value, the first time the rep focuses it; it
//! counts as typed into while it is still on the page and its value differs
//! from that. A saved or cancelled form leaves the page (or is reset), so it
//! stops counting. Only fields inside a `<form>`: the filter box is not input
//! to keep.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

thread_local! {
    /// Form fields the rep focused, each with the value it had then.
    static FOCUSED: RefCell<Vec<(web_sys::Element, String)>> = const { RefCell::new(Vec::new()) };
}

/// Starts noting form fields as the rep focuses them. Call once per page.
pub fn watch() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_focus = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        let Some(field) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let is_field = matches!(field.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT");
        if !is_field || !matches!(field.closest("form"), Ok(Some(_))) {
            return;
        }
        FOCUSED.with_borrow_mut(|focused| {
            focused.retain(|(f, _)| f.is_connected());
            if !focused.iter().any(|(f, _)| *f == field) {
                let start = value(&field);
                focused.push((field, start));
            }
        });
    });
    let _ = document.add_event_listener_with_callback("focusin", on_focus.as_ref().unchecked_ref());
    on_focus.forget();
}

/// True when a form field still on the page holds other text than when the
/// rep first focused it.
pub fn has_typed_text() -> bool {
    FOCUSED.with_borrow_mut(|focused| {
        focused.retain(|(f, _)| f.is_connected());
        focused.iter().any(|(f, start)| value(f) != *start)
    })
}

fn value(field: &web_sys::Element) -> String {
    js_sys::Reflect::get(field, &"value".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}
