//! The matcher's indexes over targets: a key (a reference, an end-to-end id, an IBAN, all
//! compact) to the targets that carry it. A key is kept as a hash of its compact text, never
//! as text: a million references were a million strings to copy, hash and compare again when
//! the map grew. The text stays where it is, in the target, and every lookup checks it there,
//! so two keys whose hashes collide (by chance, or written to collide) never share targets.

use std::hash::Hasher;

use chrono::Datelike;
use rustc_hash::{FxHashMap, FxHasher};

use cashline_domain::Currency;

use super::facts::{Target, TargetKind};
use super::text::{compact, compact_in, compacts_to, same_compact};

/// In `group_of`: the target is in no group.
pub const NO_GROUP: u32 = u32::MAX;

/// In a key's slot of `groups` once `finish` has run: the value is a group of several
/// targets, not the one target a key nearly always has.
const SHARED: u32 = 1 << 31;

/// Keys shorter than this (compact) name nothing safely.
const KEY_MIN: usize = 3;

/// What the amount and date rules compare of a target, packed: those rules look at every
/// target of a counterparty, and reading these from the targets themselves is a cache miss
/// each.
#[derive(Debug, Clone, Copy)]
pub struct Glance {
    pub open_minor: i64,
    pub expected_minor: i64,
    /// Days from the common era, `i32::MIN` when there is no due date.
    pub due_day: i32,
    pub currency: Currency,
    pub kind: TargetKind,
}

impl Glance {
    pub fn of(target: &Target) -> Glance {
        Glance {
            open_minor: target.open_minor,
            expected_minor: target.expected_entry_minor(),
            due_day: target.due_date.map_or(i32::MIN, |d| d.num_days_from_ce()),
            currency: target.currency,
            kind: target.kind,
        }
    }

    /// Days from the due date to `day` (days from the common era), if there is one.
    pub fn days_after_due(&self, day: i32) -> Option<i64> {
        (self.due_day != i32::MIN).then(|| i64::from(day) - i64::from(self.due_day))
    }
}

/// Each group's targets in one flat array, in target order: built by counting, so a million
/// targets under fifty thousand keys cost two passes and no list of their own.
#[derive(Debug, Default)]
pub struct Postings {
    /// Group `g`'s targets are `targets[starts[g]..starts[g + 1]]`.
    starts: Vec<u32>,
    targets: Vec<u32>,
    /// Where kept: each posted target's glance, in the same order, so the rules that look at
    /// every target of a counterparty read one run of memory.
    glances: Vec<Glance>,
}

impl Postings {
    /// `group_of[t]` is target `t`'s group (or `NO_GROUP`), of `groups` groups.
    pub fn build(group_of: &[u32], groups: usize) -> Postings {
        let mut starts = vec![0_u32; groups + 1];
        for &g in group_of.iter().filter(|&&g| g != NO_GROUP) {
            starts[g as usize + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        let mut targets = vec![0_u32; starts[groups] as usize];
        for (t, &g) in group_of.iter().enumerate() {
            if g != NO_GROUP {
                let slot = &mut next[g as usize];
                targets[*slot as usize] = u32::try_from(t).expect("fewer than 4 billion targets");
                *slot += 1;
            }
        }
        Postings {
            starts,
            targets,
            glances: Vec::new(),
        }
    }

    /// Keeps each posted target's glance beside it.
    pub fn with_glances(mut self, glances: &[Glance]) -> Postings {
        self.glances = self.targets.iter().map(|&t| glances[t as usize]).collect();
        self
    }

    fn range(&self, group: u32) -> std::ops::Range<usize> {
        let g = group as usize;
        self.starts[g] as usize..self.starts[g + 1] as usize
    }

    pub fn of(&self, group: u32) -> &[u32] {
        &self.targets[self.range(group)]
    }

    /// A group's targets with their glances (kept by `with_glances`).
    pub fn glanced(&self, group: u32) -> impl Iterator<Item = (usize, &Glance)> + '_ {
        let range = self.range(group);
        self.targets[range.clone()]
            .iter()
            .map(|&t| t as usize)
            .zip(&self.glances[range])
    }
}

/// A compact key's hash.
fn hash_of(key: &[u8]) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(key);
    hasher.finish()
}

/// Which text of a target an index files it by.
pub type KeyOf = fn(&Target) -> Option<&str>;

/// A key's targets.
pub struct Index<'a> {
    targets: &'a [Target],
    key_of: KeyOf,
    /// Key hash → group while building; once finished, the key's one target, or its group
    /// with `SHARED` set: a reference names one item, and its lookup then reads no postings.
    groups: FxHashMap<u64, u32>,
    /// Keys whose hash an earlier key of other text holds: a collision, rare enough to keep
    /// as text. Its group, with `SHARED` set once finished.
    collided: FxHashMap<String, u32>,
    /// While building: each group's key as its first target writes it. A lookup reads the key
    /// from the group's first target instead, which the caller reads next anyway.
    keys: Vec<&'a str>,
    /// While building: each target's group.
    group_of: Vec<u32>,
    postings: Postings,
    /// Whether a key's one target is filed in its slot (see `groups`).
    direct: bool,
    /// While building: a key made compact, where its text is not.
    scratch: String,
}

impl<'a> Index<'a> {
    /// An index of about `keys` keys; `direct` where nearly every key has one target (a
    /// reference), not where they share (an IBAN).
    pub fn new(targets: &'a [Target], key_of: KeyOf, keys: usize, direct: bool) -> Index<'a> {
        // A slot holds a target or a group with `SHARED` set: both must stay below it.
        assert!(
            targets.len() < SHARED as usize,
            "fewer than 2 billion targets"
        );
        let mut groups = FxHashMap::default();
        groups.reserve(keys);
        Index {
            targets,
            key_of,
            groups,
            collided: FxHashMap::default(),
            keys: Vec::with_capacity(keys),
            group_of: vec![NO_GROUP; targets.len()],
            postings: Postings::default(),
            direct,
            scratch: String::new(),
        }
    }

    /// Files `target` under its key (if it has one), and returns the key's first three
    /// compact bytes.
    pub fn push(&mut self, target: usize) -> Option<[u8; 3]> {
        let text = (self.key_of)(&self.targets[target])?;
        let key = compact_in(text, &mut self.scratch).as_bytes();
        if key.len() < KEY_MIN {
            return None;
        }
        let (hash, start) = (hash_of(key), [key[0], key[1], key[2]]);
        let next = u32::try_from(self.keys.len()).expect("fewer than 4 billion keys");
        let group = match self.groups.entry(hash) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(next);
                self.keys.push(text);
                next
            }
            std::collections::hash_map::Entry::Occupied(slot) => {
                let group = *slot.get();
                if same_compact(self.keys[group as usize], text) {
                    group
                } else {
                    let key = compact(text);
                    match self.collided.get(&key) {
                        Some(&group) => group,
                        None => {
                            self.collided.insert(key, next);
                            self.keys.push(text);
                            next
                        }
                    }
                }
            }
        };
        self.group_of[target] = group;
        Some(start)
    }

    /// Ready for lookups.
    pub fn finish(mut self) -> Index<'a> {
        self.postings = Postings::build(&self.group_of, self.keys.len());
        self.group_of = Vec::new();
        self.keys = Vec::new();
        self.scratch = String::new();
        for value in self.collided.values_mut() {
            *value |= SHARED;
        }
        for value in self.groups.values_mut() {
            *value = match self.postings.of(*value) {
                [one] if self.direct => *one,
                _ => *value | SHARED,
            };
        }
        self
    }

    /// Keeps each posted target's glance beside it.
    pub fn with_glances(mut self, glances: &[Glance]) -> Index<'a> {
        self.postings = std::mem::take(&mut self.postings).with_glances(glances);
        self
    }

    /// The slot of `key` (compact) once its text is checked: the key's one target, or its
    /// group with `SHARED` set.
    fn slot(&self, key: &str) -> Option<&u32> {
        if key.len() < KEY_MIN || self.groups.is_empty() {
            return None;
        }
        let slot = self.groups.get(&hash_of(key.as_bytes()))?;
        let first = if slot & SHARED == 0 {
            *slot
        } else {
            self.postings.of(slot & !SHARED)[0]
        };
        if (self.key_of)(&self.targets[first as usize]).is_some_and(|text| compacts_to(text, key)) {
            Some(slot)
        } else {
            self.collided.get(key)
        }
    }

    /// The targets filed under `key` (compact).
    pub fn get(&self, key: &str) -> &[u32] {
        match self.slot(key) {
            None => &[],
            Some(slot) if slot & SHARED == 0 => std::slice::from_ref(slot),
            Some(slot) => self.postings.of(slot & !SHARED),
        }
    }

    /// Whether some key may be `key` (compact): a hash only, the text not checked, for ruling
    /// out most of a text before `get` is asked.
    pub fn may_contain(&self, key: &str) -> bool {
        key.len() >= KEY_MIN && self.groups.contains_key(&hash_of(key.as_bytes()))
    }

    /// A key's targets with their glances (kept by `with_glances`, on an index that files
    /// no key's one target directly).
    pub fn glanced(&self, key: &str) -> impl Iterator<Item = (usize, &Glance)> + '_ {
        debug_assert!(!self.direct, "glances are kept by group");
        self.slot(key)
            .into_iter()
            .flat_map(|slot| self.postings.glanced(slot & !SHARED))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recon::facts::TargetId;

    fn target(i: i64, reference: &str) -> Target {
        Target {
            id: TargetId::Item(i),
            kind: TargetKind::Receivable,
            external_id: format!("AR{i}"),
            counterparty_name: None,
            counterparty_iban: None,
            open_minor: 100,
            currency: Currency::EUR,
            due_date: None,
            reference: Some(reference.to_string()),
            end_to_end_id: None,
        }
    }

    fn by_reference(targets: &[Target]) -> Index<'_> {
        let mut index = Index::new(targets, |t| t.reference.as_deref(), targets.len(), true);
        for t in 0..targets.len() {
            index.push(t);
        }
        index.finish()
    }

    #[test]
    fn a_key_is_found_however_its_separators_are_written() {
        let targets = [
            target(1, "inv-2026/0042"),
            target(2, "INV 2026 0042"),
            target(3, "Rechnung Nr. ÄÖ-7"),
            target(4, "ab"),
            // Its upper case is a letter and a combining accent, which compacting again drops.
            target(5, "ῆ-12"),
        ];
        let index = by_reference(&targets);
        assert_eq!(index.get(&compact("ῆ-12")), &[4]);
        assert_eq!(index.get("INV20260042"), &[0, 1]);
        assert_eq!(index.get("RECHNUNGNRÄÖ7"), &[2]);
        assert!(index.get("AB").is_empty(), "too short to name anything");
        assert!(index.get("INV2026004").is_empty());
        assert!(index.may_contain("INV20260042"));
    }

    proptest::proptest! {
        /// Whatever the references (separators, case, letters beyond ASCII, repeats), a key
        /// finds exactly the targets whose reference is that key once compact, in order.
        #[test]
        fn a_key_finds_exactly_the_targets_that_carry_it(
            references in proptest::collection::vec("[a-cA-C0-2 ./ä-]{0,6}", 0..40),
        ) {
            let targets: Vec<Target> = references
                .iter()
                .enumerate()
                .map(|(i, r)| target(i64::try_from(i).expect("small"), r))
                .collect();
            let index = by_reference(&targets);
            for probe in &references {
                let key = compact(probe);
                let expected: Vec<u32> = if key.len() < KEY_MIN {
                    Vec::new()
                } else {
                    (0..targets.len())
                        .filter(|&t| compact(&references[t]) == key)
                        .map(|t| u32::try_from(t).expect("small"))
                        .collect()
                };
                proptest::prop_assert_eq!(index.get(&key), expected.as_slice());
                proptest::prop_assert!(expected.is_empty() || index.may_contain(&key));
            }
        }
    }

    #[test]
    fn two_keys_whose_hashes_collide_keep_their_own_targets() {
        // Force the collision: file the second target under the first's hash by hand, as a
        // text written to collide would be.
        let targets = [
            target(1, "AAA111"),
            target(2, "BBB222"),
            target(3, "BBB222"),
            target(4, "CCC333"),
        ];
        let mut index = Index::new(&targets, |t| t.reference.as_deref(), 4, true);
        index.push(0);
        let hash = hash_of(b"BBB222");
        let first = hash_of(b"AAA111");
        let taken = index.groups[&first];
        index.groups.remove(&first);
        index.groups.insert(hash, taken);
        // Now "AAA111"'s group sits under "BBB222"'s hash: filing BBB222 meets other text.
        index.push(1);
        index.push(2);
        index.push(3);
        let index = index.finish();
        assert_eq!(index.get("BBB222"), &[1, 2]);
        assert_eq!(index.get("CCC333"), &[3]);
        assert!(index.get("AAA111").is_empty(), "its hash was moved away");
    }
}
