//! [`FormPanel`]: a small form of typed fields ([`Input`]), any pick-lists
//! as children, the inline error and Save / Cancel. The remark and
//! warning forms and the panels that act on them are all one of these, so
//! each says only what it sends.

use leptos::prelude::*;

use crate::document::DocumentError;
use crate::ui::reactive::{dynamic, redrawn};
use crate::ui::words::{Key, t, words};

/// What a form's `on_save` returns for a command's `result`: the
/// refusal's sentence, or none when it was sent.
pub fn refused(result: Result<(), DocumentError>) -> Option<String> {
    result.err().map(|e| words().refusal(&e))
}

/// A card's head: its title, and the button that opens its new-record
/// form (hidden while the form is open).
#[component]
pub fn NewHead(
    /// The card's title.
    title: Key,
    /// The button's words.
    button: Key,
    /// The button's test id.
    testid: &'static str,
    /// True while the form is open.
    adding: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <div class="section-head">
            <h2>{t(title)}</h2>
            <button data-testid=testid hidden=dynamic(move || adding.get()) on:click=move |_| adding.set(true)>
                {t(button)}
            </button>
        </div>
    }
}

/// One typed field of a [`FormPanel`].
pub struct Input {
    /// The field's label.
    pub label: String,
    /// The input's test id.
    pub testid: &'static str,
    /// `text`, `date`, or `note` (a textarea).
    pub kind: &'static str,
    /// What is typed.
    pub value: RwSignal<String>,
    /// Example words shown while it is empty.
    pub placeholder: Option<Key>,
}

impl Input {
    /// A field of `kind` labelled `label`.
    pub fn new(
        label: String,
        testid: &'static str,
        kind: &'static str,
        value: RwSignal<String>,
    ) -> Self {
        Self {
            label,
            testid,
            kind,
            value,
            placeholder: None,
        }
    }

    /// With example words while empty.
    pub fn hint(self, key: Key) -> Self {
        Self {
            placeholder: Some(key),
            ..self
        }
    }
}

/// A form: `children` (pick-lists), then `inputs`, the error `on_save`
/// returns (none: saved, and the form closes), Save and Cancel.
#[component]
pub fn FormPanel(
    /// `form` plus the classes of where it stands (`inline-form`,
    /// `close-panel`).
    class: &'static str,
    /// Names the test ids: the form is `<name>-form`, Save `save-<name>`.
    name: &'static str,
    /// The typed fields, after the children.
    inputs: Vec<Input>,
    /// The Save button's words.
    save: Key,
    /// Sends the form: the refusal's sentence, or none when sent.
    on_save: Callback<(), Option<String>>,
    /// Called when saved or cancelled.
    on_close: Callback<()>,
    /// Pick-lists before the typed fields.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match on_save.run(()) {
            None => on_close.run(()),
            some => error.set(some),
        }
    };
    let inputs = inputs
        .into_iter()
        .map(|i| {
            let placeholder = i.placeholder.map(t);
            let field = if i.kind == "note" {
                view! { <textarea data-testid=i.testid rows="2" placeholder=placeholder bind:value=i.value></textarea> }
                    .into_any()
            } else {
                view! { <input data-testid=i.testid type=i.kind placeholder=placeholder bind:value=i.value /> }
                    .into_any()
            };
            view! { <label class=format!("field-{}", i.kind)>{i.label}{field}</label> }
        })
        .collect_view();
    view! {
        <form class=class data-testid=format!("{name}-form") on:submit=submit>
            {children.map(|c| c())}
            <div class="row">{inputs}</div>
            <p class="form-error" data-testid="form-error" role="alert" hidden=dynamic(move || error.get().is_none())>
                {redrawn(move || error.get())}
            </p>
            <div class="actions">
                <button type="submit" class="primary" data-testid=format!("save-{name}")>
                    {t(save)}
                </button>
                <button type="button" on:click=move |_| on_close.run(())>{t(Key::Cancel)}</button>
            </div>
        </form>
    }
}
