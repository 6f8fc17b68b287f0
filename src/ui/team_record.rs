//! The team's track record under the account list: kept, exceeded and
//! on-time rates for each rep and the whole team over a chosen period —
//! what a sales manager asks first ("whose word can the clients trust?").
//! Drawn only while open, so a large workspace's list pays nothing for it.

use chrono::Local;
use leptos::prelude::*;

use crate::document::Scope;
use crate::domain::{Day, Period};
use crate::state::AppState;
use crate::ui::reactive::{When, dynamic, keyed};
use crate::ui::words::{Key, t, words};

/// The periods offered, in days (0: all time), with their words.
const PERIODS: [(i64, Key); 4] = [
    (30, Key::Last30Days),
    (90, Key::Last90Days),
    (365, Key::Last365Days),
    (0, Key::AllTime),
];

/// One row of the table: whose, and their figures as text. Keyed whole
/// in the table, so a row whose figures change (another period) is drawn
/// again.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Row {
    who: String,
    kept: String,
    exceeded: String,
    on_time: String,
    overdue: usize,
}

/// The collapsible track-record table.
#[component]
pub fn TeamRecord() -> impl IntoView {
    let state = expect_context::<AppState>();
    let open = RwSignal::new(false);
    let days = RwSignal::new("90".to_owned());
    let rows = Memo::new(move |_| {
        if !open.get() {
            return Vec::new();
        }
        let today = Day(Local::now().date_naive());
        let period = match days.get().parse::<i64>().unwrap_or(0) {
            0 => Period::all(),
            n => Period::last(n, today),
        };
        state.model.with(|model| {
            let row = |who: String, scope: Scope<'_>| {
                let (promises, deliveries) = model.rates(scope, period, today);
                Row {
                    who,
                    kept: words().rate(promises.kept_rate()),
                    exceeded: words().rate(promises.exceeded_rate()),
                    on_time: words().rate(deliveries.on_time_rate()),
                    overdue: promises.overdue,
                }
            };
            let mut rows: Vec<Row> = model
                .reps()
                .into_iter()
                .map(|rep| row(rep.clone(), Scope::Rep(&rep)))
                .collect();
            rows.push(row(t(Key::WholeTeam).to_owned(), Scope::Team));
            rows
        })
    });
    view! {
        <section class="team-record" data-testid="team-record">
            <button
                class="disclosure"
                data-testid="team-record-toggle"
                aria-expanded=dynamic(move || open.get().to_string())
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {t(Key::TeamRecordTitle)}
            </button>
            <When when=move || open.get()>
            <label class="period">
                <span>{t(Key::TeamRecordPeriod)}</span>
                <select data-testid="team-record-period" bind:value=days>
                    {PERIODS
                        .into_iter()
                        .map(|(n, key)| view! { <option value=n.to_string()>{t(key)}</option> })
                        .collect_view()}
                </select>
            </label>
            <table>
                <thead>
                    <tr>
                        <th>{t(Key::WhoseRecord)}</th>
                        <th>{t(Key::TeamKeptRate)}</th>
                        <th>{t(Key::TeamExceededRate)}</th>
                        <th>{t(Key::TeamOnTimeRate)}</th>
                        <th>{t(Key::TeamOverduePromises)}</th>
                    </tr>
                </thead>
                <tbody>
                    {keyed(move || rows.get(), |row| row.clone(), move |row| view! { <tr data-testid="team-record-row">
                            <th scope="row">{row.who}</th>
                            <td>{row.kept}</td>
                            <td>{row.exceeded}</td>
                            <td>{row.on_time}</td>
                            <td>{row.overdue}</td>
                        </tr> }.into_any())}
                </tbody>
            </table>
            <p class="hint">{t(Key::TeamRecordHint)}</p>
            </When>
        </section>
    }
}
