//! Work over a run's entries shared out to the machine's cores: deciding a million entries and
//! writing their explanations are pure functions of data nobody changes meanwhile, so each
//! core takes one contiguous share and the results come back in the input's order.

/// Below this many items, a second thread costs more than it saves.
pub const PARALLEL_FROM: usize = 20_000;

/// The cores the work may use.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// `work` over contiguous shares of `items` (each with the index of its first item), one share
/// per core when there are enough items; the shares' results in order.
pub fn by_share<T, R, F>(items: &[T], work: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&[T], usize) -> R + Sync,
{
    let threads = threads();
    if items.len() < PARALLEL_FROM || threads < 2 {
        return vec![work(items, 0)];
    }
    let share = items.len().div_ceil(threads);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(share)
            .enumerate()
            .map(|(n, part)| scope.spawn(move || work(part, n * share)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// `f` over every item, in order, shared out as `by_share` does.
pub fn map<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let shares = by_share(items, |part, _| part.iter().map(&f).collect::<Vec<R>>());
    let mut all = Vec::with_capacity(items.len());
    for share in shares {
        all.extend(share);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_come_back_in_order_whatever_their_size() {
        for n in [
            0,
            1,
            PARALLEL_FROM - 1,
            PARALLEL_FROM,
            PARALLEL_FROM * 3 + 7,
        ] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(
                map(&items, |i| i * 2),
                (0..n).map(|i| i * 2).collect::<Vec<_>>()
            );
            let firsts = by_share(&items, |part, first| (first, part.len()));
            let mut next = 0;
            for (first, len) in firsts {
                assert_eq!(first, next);
                next += len;
            }
            assert_eq!(next, n);
        }
    }
}
