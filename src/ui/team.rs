//! Team sync on screen: the indicator in the header, the team panel (start a
//! team, the invite link to share), and the prompt shown when the app is
//! opened from an invite link.

use leptos::prelude::*;

use rapport_protocol::ErrorCode;

use crate::state::AppState;
use crate::state::messages::SyncState;
use crate::sync::{Problem, SyncPhase};
use crate::ui::qr::QrImage;
use crate::ui::reactive::{When, dynamic, redrawn};
use crate::ui::words::{Key, t, words};

/// The sync indicator: always there, never blocking; its title says what is
/// safe and what to do.
#[component]
pub fn SyncBadge() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <span
            class="sync-state"
            data-testid="sync-state"
            data-state=dynamic(move || state.sync.with(|s| s.state.slug()))
            title=dynamic(move || state.sync.with(|s| words().sync_detail(&s.state, s.pending)))
            role="status"
            hidden=dynamic(move || state.sync.with(|s| s.state.slug().is_empty()))
        >
            {redrawn(move || state.sync.with(|s| words().sync_headline(&s.state, local_offset())))}
        </span>
    }
}

/// Start a team, or share the invite link of this device's team.
#[component]
pub fn TeamPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let link = move || {
        let origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        state
            .sync
            .with(|s| s.invite.clone())
            .map(|fragment| format!("{origin}/#{fragment}"))
    };
    // A memo, so the device list (which asks the relay when shown) is built
    // once, not at every tick of the sync status.
    let admin = Memo::new(move |_| state.sync.with(|s| s.admin));
    let qr_shown = RwSignal::new(false);
    view! {
        <section class="team card" data-testid="team-panel">
            <h2>{t(Key::TeamSync)}</h2>
            <p class="team-detail" data-testid="sync-detail">
                {redrawn(move || state.sync.with(|s| words().sync_detail(&s.state, s.pending)))}
            </p>
            <When
                when=move || state.sync.with(|s| !s.device.is_empty())
                fallback=move || {
                    view! {
                        <StartTeam />
                        <p class="hint">{t(Key::TeamEncrypted)}</p>
                    }
                }
            >
                // The relay refused to create the team without its
                // operator's code: the rep may give it and start again.
                <When when=move || state.sync.with(|s| s.state == creation_closed())>
                    <StartTeam />
                </When>
                // No link to share once the team has refused this device:
                // the detail above says what to do.
                <When when=move || link().is_some()>
                    <label>
                        {t(Key::InviteHint)}
                        <input
                            data-testid="invite-link"
                            type="text"
                            readonly
                            prop:value=dynamic(move || link().unwrap_or_default())
                            on:focus=move |ev| {
                                use wasm_bindgen::JsCast;
                                if let Some(input) = ev
                                    .target()
                                    .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                                {
                                    input.select();
                                }
                            }
                        />
                    </label>
                    <button class="link" data-testid="show-qr" on:click=move |_| qr_shown.update(|s| *s = !*s)>
                        {redrawn(move || t(if qr_shown.get() { Key::HideQr } else { Key::ShowQr }))}
                    </button>
                    {redrawn(move || {
                        qr_shown
                            .get()
                            .then(link)
                            .flatten()
                            .map(|text| view! { <QrImage text label=t(Key::InviteQr) /> })
                    })}
                </When>
                <p class="hint" data-testid="this-device">
                    {t(Key::ThisDeviceIs)} " " {redrawn(move || state.sync.with(|s| s.device.clone()))}
                </p>
                <When when=move || state.sync.with(|s| !s.fingerprint.is_empty())>
                    <p>
                        {t(Key::SecurityCode)} " "
                        <strong class="fingerprint" data-testid="this-fingerprint">
                            {redrawn(move || state.sync.with(|s| s.fingerprint.clone()))}
                        </strong>
                    </p>
                    <p class="hint">{t(Key::SecurityCodeHint)}</p>
                </When>
                {redrawn(move || admin.get().then(|| view! { <Devices /> }))}
            </When>
        </section>
    }
}

/// The state of a device whose team the relay would not create.
fn creation_closed() -> SyncState {
    SyncState::Phase(SyncPhase::Problem(Problem::Limit(
        ErrorCode::TeamCreationClosed,
    )))
}

/// Starts a team, with the relay operator's creation code if the rep has
/// one (a relay may create teams only with it).
#[component]
fn StartTeam() -> impl IntoView {
    let state = expect_context::<AppState>();
    let code = RwSignal::new(String::new());
    view! {
        <label class="creation-code">
            {t(Key::CreationCode)}
            <input
                data-testid="creation-code"
                type="text"
                autocomplete="off"
                prop:value=dynamic(move || code.get())
                on:input=move |ev| code.set(event_target_value(&ev))
            />
        </label>
        <button data-testid="create-team" on:click=move |_| state.create_team(code.get_untracked())>
            {t(Key::StartTeam)}
        </button>
    }
}

/// How often the admin's device list asks the relay again while shown.
const LIST_EVERY_SECONDS: u64 = 4;

/// The team's devices, for the device that started the team: a lost or
/// passed-on tablet is removed here, and the relay refuses it from then on.
#[component]
fn Devices() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Fresh whenever shown, and every few seconds while shown: a colleague
    // may have joined since, and the admin waits for a new tablet to
    // appear so as to compare its security code.
    state.list_devices();
    if let Ok(handle) = set_interval_with_handle(
        move || state.list_devices(),
        std::time::Duration::from_secs(LIST_EVERY_SECONDS),
    ) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <h3>{t(Key::DevicesInTeam)}</h3>
        <ul class="devices" data-testid="team-devices">
            {redrawn(move || {
                state
                    .sync
                    .with(|s| s.devices.clone())
                    .into_iter()
                    .map(|d| {
                        let mark = if d.this {
                            Some(Key::ThisDevice)
                        } else if d.revoked {
                            Some(Key::DeviceRemoved)
                        } else if !d.approved {
                            Some(Key::WaitingApproval)
                        } else {
                            None
                        };
                        let label = match mark {
                            Some(mark) => format!("{} · {} · {}", words().rep(&d.member), d.code, t(mark)),
                            None => format!("{} · {}", words().rep(&d.member), d.code),
                        };
                        let id = d.id;
                        let member = d.member.clone();
                        let live = !d.this && !d.revoked;
                        view! {
                            <li
                                data-testid="team-device"
                                data-code=d.code
                                data-revoked=d.revoked.to_string()
                                data-approved=d.approved.to_string()
                            >
                                <span class="device-label">{label}</span>
                                <span class="fingerprint" data-testid="device-fingerprint">{d.fingerprint}</span>
                                {(live && !d.approved).then(|| view! {
                                    <button data-testid="approve-device" on:click=move |_| state.approve_device(id)>
                                        {t(Key::ApproveDevice)}
                                    </button>
                                })}
                                {live.then(|| view! {
                                    <button data-testid="revoke-device" on:click=move |_| state.revoke_device(id)>
                                        {t(Key::RemoveDevice)}
                                    </button>
                                })}
                                {(live && !member.is_empty()).then(|| {
                                    let member = member.clone();
                                    view! {
                                        <button class="link" data-testid="remove-member" on:click=move |_| state.remove_member(member.clone())>
                                            {t(Key::RemoveMember)}
                                        </button>
                                    }
                                })}
                            </li>
                        }
                    })
                    .collect_view()
            })}
        </ul>
        <p class="hint">{t(Key::RemovingHint)}</p>
    }
}

/// Shown when the app was opened from an invite link.
#[component]
pub fn JoinPrompt() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <When when=move || state.invite.with(Option::is_some) && state.ready.get()>
            <div class="join-prompt card" data-testid="join-prompt" role="dialog" aria-label=t(Key::JoinATeam)>
                <p>{t(Key::Invited)}</p>
                <button data-testid="join-team" on:click=move |_| state.answer_invite(true)>
                    {t(Key::JoinTeam)}
                </button>
                <button class="link" on:click=move |_| state.answer_invite(false)>{t(Key::NotNow)}</button>
            </div>
        </When>
    }
}

/// The device's offset from UTC now (the browser's time zone): what the
/// rep's clock shows.
fn local_offset() -> chrono::FixedOffset {
    *chrono::Local::now().offset()
}
