//! The reactive parts of views, compiled once.
//!
//! Leptos compiles a reactive closure in a view (`hidden=move || …`,
//! `{move || …}`) as its own type: each one puts its own copy of the render
//! effect and of the code that builds and rebuilds what it returns in the
//! wasm. The app has some two hundred of them, and the shipped size is
//! budgeted (P4), so views box them instead: [`dynamic`] for an attribute's
//! or a property's value, [`redrawn`] for a part of the page, [`When`]
//! in place of Leptos's `Show` (generic over its condition and its
//! children) and [`keyed`] in place of its `For`. Each use then costs
//! only its own closure's body; the code around it is in the wasm once per
//! type of value (measured in the notes of issue 15).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

use leptos::prelude::*;

/// A reactive function boxed: the one type of every [`dynamic`] value of
/// type `T` (Leptos renders it as it renders a closure).
pub type Dynamic<T> = Arc<Mutex<dyn FnMut() -> T + Send>>;

/// The value of an attribute or a property that follows what `f` reads.
pub fn dynamic<T: 'static>(f: impl FnMut() -> T + Send + 'static) -> Dynamic<T> {
    Arc::new(Mutex::new(f))
}

/// A part of the page redrawn whenever what `f` reads changes.
pub fn redrawn<V: IntoView + 'static>(
    mut f: impl FnMut() -> V + Send + 'static,
) -> Dynamic<AnyView> {
    dynamic(move || f().into_any())
}

/// `children` while `when` holds, else `fallback` (nothing by default).
/// The condition is memoised, as `Show`'s is: the children are rebuilt
/// only when it changes, not whenever what it reads changes.
#[component]
pub fn When(
    /// Whether the children are shown.
    when: impl Fn() -> bool + Send + Sync + 'static,
    /// What is shown while `when` holds.
    children: ChildrenFn,
    /// What is shown otherwise.
    #[prop(optional, into)]
    fallback: ViewFn,
) -> impl IntoView {
    switch(Box::new(when), children, fallback)
}

/// The body of [`When`], the same code for every use.
fn switch(
    when: Box<dyn Fn() -> bool + Send + Sync>,
    children: ChildrenFn,
    fallback: ViewFn,
) -> AnyView {
    let shown = Memo::new(move |_| when());
    (move || {
        if shown.get() {
            children()
        } else {
            fallback.run()
        }
    })
    .into_any()
}

/// A list drawn row by row, each row kept while its key is: Leptos's
/// `For` (the same keyed diff), compiled once for every list. The rows are
/// `each`'s items, keyed by `key` and drawn by `row`.
pub fn keyed<T, I, K>(
    each: impl Fn() -> I + Send + Sync + 'static,
    key: impl Fn(&T) -> K + Send + Sync + 'static,
    row: impl Fn(T) -> AnyView + Send + Sync + 'static,
) -> AnyView
where
    T: Send + 'static,
    I: IntoIterator<Item = T>,
    K: Hash,
{
    let row = Arc::new(row);
    keyed_rows(Box::new(move || {
        each()
            .into_iter()
            .map(|item| {
                let mut hasher = DefaultHasher::new();
                key(&item).hash(&mut hasher);
                let row = Arc::clone(&row);
                Row {
                    key: hasher.finish(),
                    draw: Box::new(move || row(item)),
                }
            })
            .collect()
    }))
}

/// One row of a [`keyed`] list: its key's hash, and how it is drawn.
struct Row {
    key: u64,
    draw: Box<dyn FnOnce() -> AnyView + Send>,
}

/// The body of [`keyed`], the same code for every list.
fn keyed_rows(rows: Box<dyn Fn() -> Vec<Row> + Send + Sync>) -> AnyView {
    view! { <For each=move || rows() key=|row: &Row| row.key children=|row: Row| (row.draw)() /> }
        .into_any()
}
