//! Sorting that compiles once. `slice::sort_by_key` is generic over the
//! element and the key, so each call site puts its own copy of the whole
//! sort routine in the wasm (about 3.5 KB each; the read model's lists and
//! the rules sort in some twenty places). These sort a list of positions
//! instead, through one comparison of type `dyn FnMut`, and then move the
//! items into that order: one sort routine for every caller, stable like
//! the standard one.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, stably (equal items keep their order).
pub fn sort_by<T>(items: &mut Vec<T>, mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &mut |a, b| compare(&items[a], &items[b]));
    permute(items, &order);
}

/// Sorts `items` by the key of each, stably.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` by the key of each, computed once per item, stably.
pub fn sort_by_cached_key<T, K: Ord>(items: &mut Vec<T>, key: impl FnMut(&T) -> K) {
    if items.len() < 2 {
        return;
    }
    let keys: Vec<K> = items.iter().map(key).collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    sort_positions(&mut order, &mut |a, b| keys[a].cmp(&keys[b]));
    permute(items, &order);
}

/// The one sort routine: positions, by a comparison of the items at them.
#[inline(never)]
fn sort_positions(order: &mut [usize], compare: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| compare(a, b));
}

/// Moves `items` into `order` (a permutation of their positions).
fn permute<T>(items: &mut Vec<T>, order: &[usize]) {
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(
        order
            .iter()
            .filter_map(|&i| slots.get_mut(i).and_then(Option::take)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_sort() {
        let items: Vec<(u8, usize)> = [3u8, 1, 2, 1, 3, 0, 2, 1]
            .into_iter()
            .enumerate()
            .map(|(i, k)| (k, i))
            .collect();
        let mut standard = items.clone();
        standard.sort_by_key(|(k, _)| *k);
        let mut ours = items.clone();
        sort_by_key(&mut ours, |(k, _)| *k);
        assert_eq!(ours, standard);
        let mut cached = items.clone();
        sort_by_cached_key(&mut cached, |(k, _)| std::cmp::Reverse(*k));
        let mut reversed = items;
        reversed.sort_by_key(|(k, _)| std::cmp::Reverse(*k));
        assert_eq!(cached, reversed);
    }

    #[test]
    fn empty_and_single_lists_stay_as_they_are() {
        let mut empty: Vec<u8> = Vec::new();
        sort_by(&mut empty, u8::cmp);
        assert!(empty.is_empty());
        let mut one = vec![7u8];
        sort_by_key(&mut one, |x| *x);
        assert_eq!(one, [7]);
    }
}
