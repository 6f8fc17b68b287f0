//! The update banner: registers the service worker (`sw/service-worker.js`,
//! built into `/sw.js`), says when a new build of the app is on the device,
//! and applies it only when the rep presses Reload with nothing unsaved.
//!
//! How a new version arrives: the browser checks `/sw.js` when the app is
//! opened (and this page asks again whenever the tab becomes visible). A new
//! build's worker caches its shell and then waits; this banner asks it for
//! its build id and shows it. Reload posts `apply` to the waiting worker,
//! which takes over (`skipWaiting`); its `controllerchange` reloads the page
//! into the new build. The decisions are [`AppUpdate`]'s, tested natively.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

use crate::state::AppState;
use crate::state::app_update::{AppUpdate, UpdateStep};
use crate::ui::reactive::{When, redrawn};
use crate::ui::typed_input;
use crate::ui::words::{Key, t, words};

/// The worker that waits to take over, if one does.
type Waiting = StoredValue<Option<ServiceWorker>, LocalStorage>;

/// A quiet line under the header while a new build of the app waits, with
/// the Reload button that applies it. Mounted once, at the app's root.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    let update = RwSignal::new(AppUpdate::default());
    let waiting: Waiting = StoredValue::new_local(None);
    typed_input::watch();
    register(update, waiting);

    let press = move |_| {
        let unsaved = state.has_unsaved_changes() || typed_input::has_typed_text();
        let mut step = UpdateStep::Stay;
        update.update(|u| step = u.reload(unsaved));
        match step {
            UpdateStep::Stay => {}
            UpdateStep::Activate => match waiting.get_value() {
                // Already taking over (another tab asked first): reload.
                Some(worker)
                    if !matches!(
                        worker.state(),
                        ServiceWorkerState::Activating | ServiceWorkerState::Activated
                    ) =>
                {
                    post(&worker, "apply", None);
                }
                _ => reload(),
            },
            UpdateStep::Reload => reload(),
        }
    };

    view! {
        {redrawn(move || {
            update
                .with(|u| u.build().map(str::to_owned))
                .map(|build| {
                    view! {
                        <p class="update-banner" data-testid="update-banner" data-build=build.clone() role="status">
                            <span>{words().update_ready(&build)}</span>
                            <button type="button" data-testid="update-reload" on:click=press>
                                {t(Key::ReloadToUpdate)}
                            </button>
                            <When when=move || update.with(AppUpdate::refused)>
                                <strong class="update-refused" data-testid="update-refused">
                                    {t(Key::SaveOrDiscardFirst)}
                                </strong>
                            </When>
                        </p>
                    }
                })
        })}
    }
}

/// Registers `/sw.js` and listens for new builds. Without service workers
/// (a page that is not https or 127.0.0.1) the app runs from the network.
fn register(update: RwSignal<AppUpdate>, waiting: Waiting) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    if !js_sys::Reflect::has(&navigator, &"serviceWorker".into()).unwrap_or(false) {
        return;
    }
    // The build this page runs, as scripts/service-worker.mjs stamped it.
    let Some(own) = window
        .document()
        .and_then(|d| {
            d.query_selector(r#"meta[name="rapport-build"]"#)
                .ok()
                .flatten()
        })
        .and_then(|meta| meta.get_attribute("content"))
    else {
        return;
    };
    let container = navigator.service_worker();

    let on_change = Closure::<dyn Fn()>::new({
        let container = container.clone();
        let own = own.clone();
        move || {
            if update.with_untracked(AppUpdate::took_over) {
                reload();
            } else if let Some(active) = container.controller() {
                // Another tab applied a newer build (or the first install
                // took this page): this page runs on until the rep reloads.
                waiting.set_value(None);
                let own = own.clone();
                ask_build(&active, move |build| {
                    update.update(|u| u.found(&build, &own, false));
                });
            }
        }
    });
    container.set_oncontrollerchange(Some(on_change.as_ref().unchecked_ref()));
    on_change.forget();

    let registered = container.register("/sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        // Refused (say, no network and no worker yet): the app runs on.
        let Ok(registration) = wasm_bindgen_futures::JsFuture::from(registered).await else {
            return;
        };
        // Anything but a registration (a browser or test harness that
        // blocks service workers may resolve with nothing) means no worker.
        let Ok(registration) = registration.dyn_into::<ServiceWorkerRegistration>() else {
            return;
        };
        let offer = move |worker: ServiceWorker| {
            let own = own.clone();
            let candidate = worker.clone();
            ask_build(&worker, move |build| {
                waiting.set_value(Some(candidate));
                update.update(|u| u.found(&build, &own, true));
            });
        };
        let watch = {
            let offer = offer.clone();
            move |worker: ServiceWorker| {
                let installed = worker.clone();
                let offer = offer.clone();
                let on_state = Closure::<dyn Fn()>::new(move || {
                    if installed.state() == ServiceWorkerState::Installed {
                        offer(installed.clone());
                    }
                });
                worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
                on_state.forget();
            }
        };
        if let Some(worker) = registration.waiting() {
            offer(worker);
        }
        if let Some(worker) = registration.installing() {
            watch(worker);
        }
        let on_found = Closure::<dyn Fn()>::new({
            let registration = registration.clone();
            move || {
                if let Some(worker) = registration.installing() {
                    watch(worker);
                }
            }
        });
        registration.set_onupdatefound(Some(on_found.as_ref().unchecked_ref()));
        on_found.forget();
        check_when_visible(registration);
    });
}

/// Asks the relay for a newer `/sw.js` whenever the rep comes back to the tab.
fn check_when_visible(registration: ServiceWorkerRegistration) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_visible = Closure::<dyn Fn()>::new({
        let document = document.clone();
        move || {
            if document.hidden() {
                return;
            }
            if let Ok(check) = registration.update() {
                // Offline, the check fails; the version on the device runs on.
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(check).await;
                });
            }
        }
    });
    let _ = document
        .add_event_listener_with_callback("visibilitychange", on_visible.as_ref().unchecked_ref());
    on_visible.forget();
}

/// Asks `worker` for its build id; `then` gets the answer.
fn ask_build(worker: &ServiceWorker, then: impl FnOnce(String) + 'static) {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return;
    };
    let on_reply = Closure::once_into_js(move |event: web_sys::MessageEvent| {
        let build = js_sys::Reflect::get(&event.data(), &"build".into())
            .ok()
            .and_then(|b| b.as_string());
        if let Some(build) = build {
            then(build);
        }
    });
    channel
        .port1()
        .set_onmessage(Some(on_reply.unchecked_ref()));
    post(worker, "build", Some(channel.port2()));
}

/// Posts `{type}` to `worker`, with `port` for the answer.
fn post(worker: &ServiceWorker, kind: &str, port: Option<web_sys::MessagePort>) {
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &kind.into());
    let _ = match port {
        Some(port) => worker.post_message_with_transferable(&message, &js_sys::Array::of1(&port)),
        None => worker.post_message(&message),
    };
}

fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}
