//! A bounded subset-sum search: which of a counterparty's open items one entry pays. Bounded
//! twice (items per subset, subsets tried), so a customer with hundreds of open invoices costs a
//! run a fixed amount of work, and an exhausted search proposes nothing rather than a guess.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// Index sets into the amounts, each summing to the total.
    pub sets: Vec<Vec<usize>>,
    /// The budget ran out before the search finished: what was found may not be all.
    pub exhausted: bool,
}

/// Subsets of `amounts` (all positive) of `items_min..=items_max` elements summing to `total`
/// exactly, at most `results_max` of them, trying at most `budget` partial subsets.
pub fn subsets_summing_to(
    amounts: &[i64],
    total: i64,
    items_min: usize,
    items_max: usize,
    budget: usize,
    results_max: usize,
) -> Found {
    let mut order: Vec<usize> = (0..amounts.len())
        .filter(|&i| amounts[i] > 0 && amounts[i] <= total)
        .collect();
    // Largest first: the remaining total shrinks fastest, and the suffix sums prune early.
    order.sort_by(|&a, &b| amounts[b].cmp(&amounts[a]).then(a.cmp(&b)));
    // `prefix[i]`: the sum of the `i` largest; any `k` of them from `i` on sum to at most
    // `prefix[i + k] - prefix[i]`.
    let mut prefix = vec![0_i64; order.len() + 1];
    for i in 0..order.len() {
        prefix[i + 1] = prefix[i].saturating_add(amounts[order[i]]);
    }
    let mut search = Search {
        amounts,
        order: &order,
        prefix: &prefix,
        items_min,
        items_max,
        budget,
        results_max,
        chosen: Vec::new(),
        found: Found::default(),
    };
    search.walk(0, total);
    search.found
}

struct Search<'a> {
    amounts: &'a [i64],
    order: &'a [usize],
    prefix: &'a [i64],
    items_min: usize,
    items_max: usize,
    budget: usize,
    results_max: usize,
    chosen: Vec<usize>,
    found: Found,
}

impl Search<'_> {
    /// The largest sum of at most `slots` items from position `from` of the order.
    fn most_from(&self, from: usize, slots: usize) -> i64 {
        let end = (from + slots).min(self.order.len());
        self.prefix[end] - self.prefix[from]
    }

    fn walk(&mut self, from: usize, remaining: i64) {
        if self.found.sets.len() >= self.results_max || self.found.exhausted {
            return;
        }
        if remaining == 0 {
            if self.chosen.len() >= self.items_min {
                let mut set = self.chosen.clone();
                set.sort_unstable();
                self.found.sets.push(set);
            }
            return;
        }
        if self.chosen.len() == self.items_max || from == self.order.len() {
            return;
        }
        let slots = self.items_max - self.chosen.len();
        for i in from..self.order.len() {
            // The largest sum left within the items still allowed: amounts only shrink from
            // here, so when it falls short, nothing further can reach.
            if self.most_from(i, slots) < remaining {
                return;
            }
            if self.budget == 0 {
                self.found.exhausted = true;
                return;
            }
            self.budget -= 1;
            let amount = self.amounts[self.order[i]];
            if amount > remaining {
                continue;
            }
            self.chosen.push(self.order[i]);
            self.walk(i + 1, remaining - amount);
            self.chosen.pop();
            if self.found.sets.len() >= self.results_max || self.found.exhausted {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_one_set_that_sums() {
        let found = subsets_summing_to(&[500, 1200, 300, 700], 1900, 2, 6, 1000, 2);
        assert_eq!(found.sets, vec![vec![1, 3]]);
        assert!(!found.exhausted);
    }

    #[test]
    fn reports_two_answers_so_the_caller_sees_the_ambiguity() {
        let found = subsets_summing_to(&[100, 200, 300], 300, 1, 3, 1000, 2);
        assert_eq!(found.sets.len(), 2);
    }

    #[test]
    fn two_of_three_equal_invoices_are_ambiguous() {
        // Which two? The amounts cannot say, so the caller must see more than one answer.
        let found = subsets_summing_to(&[100, 100, 100], 200, 2, 3, 1000, 2);
        assert_eq!(found.sets.len(), 2);
    }

    #[test]
    fn a_total_beyond_the_largest_items_allowed_is_ruled_out_without_a_search() {
        // Forty items sum to far more than the total, but no six of them reach it: the
        // search must say "none" at once rather than spend its budget and give up.
        let amounts: Vec<i64> = (1..=40).map(|i| i * 10).collect();
        let seven_largest: i64 = (34..=40).map(|i| i * 10).sum();
        let found = subsets_summing_to(&amounts, seven_largest, 2, 6, 500, 2);
        assert!(found.sets.is_empty());
        assert!(!found.exhausted);
        let found = subsets_summing_to(&amounts, seven_largest, 2, 7, 500, 2);
        assert_eq!(found.sets, vec![(33..40).collect::<Vec<usize>>()]);
    }

    #[test]
    fn a_small_budget_stops_the_search_and_says_so() {
        let amounts: Vec<i64> = (1..=40).map(|i| i * 7 + 3).collect();
        let found = subsets_summing_to(&amounts, 1_000_000, 2, 12, 500, 2);
        assert!(found.sets.is_empty());
        let found = subsets_summing_to(&amounts, 999, 2, 12, 50, 2);
        assert!(found.exhausted);
    }
}
