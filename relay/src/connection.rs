//! One WebSocket connection: the I/O around a [`Session`].
//!
//! It waits on several things at once: the device's next frame, pushes
//! from the team's other connections (via the [`Hub`](crate::hub::Hub)),
//! the relay shutting down, and its clocks: the `Hello` deadline, the next
//! ping, and the idle timeout. Store work runs on tokio's blocking pool,
//! because SQLite's fsync would otherwise stall every connection sharing
//! the async thread.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use rapport_protocol::{Cursor, ErrorCode, ServerFrame};
use tokio::sync::watch;
use tokio::time::{Instant, MissedTickBehavior, sleep_until};
use tracing::{debug, info};

use crate::http::Peer;
use crate::hub::{Ending, Membership, Signal};
use crate::limits::{CreationRight, Limits};
use crate::metered::OverBudget;
use crate::serve::Shared;
use crate::session::{Effect, Session, Step};

/// How long to wait for the device to answer our Close before hanging up.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// Answers a connection over a connection cap with an `Error` frame, then
/// closes it.
pub(crate) async fn refuse(mut socket: WebSocket, code: ErrorCode, message: String) {
    let frame = ServerFrame::Error { code, message };
    if socket
        .send(Message::Binary(frame.encode().into()))
        .await
        .is_ok()
    {
        close(
            &mut socket,
            close_code::AGAIN,
            "refused; see the error frame",
        )
        .await;
    }
}

/// Serves one device until either side ends the connection.
pub(crate) async fn run(
    mut socket: WebSocket,
    shared: Arc<Shared>,
    peer: Arc<Peer>,
    right: CreationRight,
) {
    let limits = Limits {
        team_creation: right,
        ..shared.limits.clone()
    };
    let mut session = Some(
        Session::new(Arc::clone(&shared.store), shared.config.max_frame_bytes).with_limits(limits),
    );
    let mut membership: Option<Membership> = None;
    let mut told_head = Cursor::START;
    let mut stop = shared.stop.clone();
    let times = &shared.config.connections;
    let hello_by = Instant::from_std(peer.accepted) + times.hello_timeout;
    let mut joined = false;
    let mut last_heard = Instant::now();
    let mut pings = tokio::time::interval_at(last_heard + times.ping_interval, times.ping_interval);
    pings.set_missed_tick_behavior(MissedTickBehavior::Delay);

    loop {
        let step = tokio::select! {
            incoming = socket.recv() => {
                last_heard = Instant::now();
                match incoming {
                None | Some(Ok(Message::Close(_))) => return,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(Message::Text(_))) => Step::refuse(
                    ErrorCode::BadFrame,
                    "a text message is not a frame: send each frame as one binary message",
                ),
                Some(Ok(Message::Binary(bytes))) => {
                    let Some(mut owned) = session.take() else { return };
                    let handled = tokio::task::spawn_blocking(move || {
                        let step = owned.handle(&bytes);
                        (owned, step)
                    })
                    .await;
                    match handled {
                        Ok((owned, step)) => {
                            session = Some(owned);
                            step
                        }
                        // The session panicked; its state is gone with it.
                        Err(_) => Step::refuse(ErrorCode::Internal, "the relay failed on this frame"),
                    }
                }
                Some(Err(error)) => transport_refusal(error),
            }},
            () = sleep_until(hello_by), if !joined => Step::refuse(
                ErrorCode::TimedOut,
                format!(
                    "no Hello within {:?} of connecting; reconnect and open with Hello",
                    times.hello_timeout
                ),
            ),
            () = sleep_until(heard(last_heard, &peer) + times.idle_timeout) => {
                // Part of a large frame may have arrived since.
                if heard(last_heard, &peer) + times.idle_timeout > Instant::now() {
                    continue;
                }
                Step::refuse(
                ErrorCode::TimedOut,
                format!(
                    "nothing from this device for {:?}, not even an answer to the relay's \
                     pings; reconnect",
                    times.idle_timeout
                ),
            )},
            _ = pings.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
                continue;
            }
            signal = next_signal(&mut membership) => match signal {
                Signal { ended: Some(Ending::Revoked), .. } => Step::refuse(
                    ErrorCode::Revoked,
                    "this device was revoked by the team's admin",
                ),
                Signal { ended: Some(Ending::Rotated), .. } => Step::refuse(
                    ErrorCode::Unauthorized,
                    "the team's access token was rotated; reconnect with the new team key",
                ),
                Signal { head, ended: None } if head > told_head => {
                    told_head = head;
                    Step { frames: vec![ServerFrame::Notify { head }], effect: None, close: false }
                }
                Signal { .. } => continue,
            },
            () = stopping(&mut stop) => {
                // No waiting for the device's answer: the relay is going away.
                let frame = CloseFrame { code: close_code::AWAY, reason: "the relay is shutting down".into() };
                let _ = socket.send(Message::Close(Some(frame))).await;
                return;
            }
        };

        match step.effect {
            Some(Effect::Joined { team, device, head }) => {
                joined = true;
                peer.meter.lift();
                told_head = head;
                membership = Some(shared.hub.join(team, device, head));
            }
            Some(Effect::Landed { head }) => {
                if let Some(membership) = &membership {
                    membership.landed(head);
                }
            }
            Some(Effect::Revoked { device }) => {
                if let Some(membership) = &membership {
                    membership.revoked(device);
                }
            }
            Some(Effect::Rotated) => {
                if let Some(membership) = &membership {
                    membership.rotated();
                }
            }
            None => {}
        }
        let close_with = step.frames.iter().find_map(|frame| match frame {
            ServerFrame::Error { code, .. } => Some(*code),
            _ => None,
        });
        for frame in step.frames {
            if socket
                .send(Message::Binary(frame.encode().into()))
                .await
                .is_err()
            {
                return;
            }
        }
        if step.close {
            let code = match close_with {
                Some(ErrorCode::TooLarge) => close_code::SIZE,
                Some(ErrorCode::Internal) => close_code::ERROR,
                Some(
                    ErrorCode::RateLimited
                    | ErrorCode::RelayFull
                    | ErrorCode::TooManyConnections
                    | ErrorCode::TimedOut,
                ) => close_code::AGAIN,
                _ => close_code::POLICY,
            };
            close(&mut socket, code, "refused; see the error frame").await;
            return;
        }
    }
}

/// When the device was last heard from: its last whole message, or the
/// last bytes of one still arriving.
fn heard(last_message: Instant, peer: &Peer) -> Instant {
    last_message.max(Instant::from_std(peer.meter.last_read()))
}

/// Waits for this connection's next push; never resolves before `Hello`.
async fn next_signal(membership: &mut Option<Membership>) -> Signal {
    if let Some(membership) = membership
        && membership.signal.changed().await.is_ok()
    {
        return *membership.signal.borrow_and_update();
    }
    // Not joined (or the hub dropped us, which it never does first).
    std::future::pending().await
}

/// Resolves when the relay shuts down (or has gone away).
async fn stopping(stop: &mut watch::Receiver<bool>) {
    // The returned guard is dropped here: it must not live across the
    // connection's other awaits.
    let _ = stop.wait_for(|stopping| *stopping).await;
}

/// The refusal for a WebSocket-level failure. The transport stops frames
/// past twice the limit before reading them, and the socket stops reading
/// past the budget before Hello, so those are `TooLarge` too.
fn transport_refusal(error: axum::Error) -> Step {
    let error = error.into_inner();
    let transport = error.downcast_ref::<tungstenite::Error>();
    if let Some(tungstenite::Error::Io(io)) = transport
        && let Some(over) = io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<OverBudget>())
    {
        return Step::refuse(
            ErrorCode::TooLarge,
            format!("{over}: CreateTeam and Hello are small, send them first"),
        );
    }
    let too_large = matches!(transport, Some(tungstenite::Error::Capacity(_)));
    if too_large {
        Step::refuse(
            ErrorCode::TooLarge,
            format!("the frame is over this relay's limit: {error}"),
        )
    } else {
        debug!(%error, "websocket failed");
        Step::refuse(
            ErrorCode::BadFrame,
            format!("the websocket connection failed: {error}"),
        )
    }
}

/// Sends Close and waits briefly for the device's Close, so the device
/// reads our last frames before the socket goes away.
async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    let drain = async { while let Some(Ok(_)) = socket.recv().await {} };
    if tokio::time::timeout(CLOSE_GRACE, drain).await.is_err() {
        info!("device did not answer close in time; hanging up");
    }
}
