//! The matcher's decisions on small hand-made cases, one per rule and per way to go wrong.

use chrono::NaiveDate;

use cashline_domain::{Currency, DifferenceKind, MatchState};

use super::rule::params_of;
use super::*;

fn eur() -> Currency {
    Currency::from_code("EUR").unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn entry(id: i64, amount_minor: i64) -> EntryFacts {
    EntryFacts {
        id,
        bank_ref: format!("B{id}"),
        account_id: 1,
        amount_minor,
        currency: eur(),
        booking_date: Some(day(20)),
        value_date: Some(day(20)),
        pending: false,
        end_to_end_id: None,
        counterparty_name: None,
        counterparty_iban: None,
        remittance: None,
        creditor_reference: None,
        entry_ref: None,
        bank_transaction_code: None,
        details: Vec::new(),
    }
}

fn item(id: i64, kind: TargetKind, open_minor: i64, reference: &str) -> Target {
    Target {
        id: if kind == TargetKind::Payment {
            TargetId::Payment(id)
        } else {
            TargetId::Item(id)
        },
        kind,
        external_id: format!("T{id}"),
        counterparty_name: Some("Tailspin Toys".into()),
        counterparty_iban: Some("NL91ABNA0417164300".into()),
        open_minor,
        currency: eur(),
        due_date: Some(day(18)),
        reference: Some(reference.into()),
        end_to_end_id: None,
    }
}

fn rules() -> Vec<Rule> {
    RuleKind::ALL
        .iter()
        .filter(|k| **k != RuleKind::Custom)
        .enumerate()
        .map(|(i, kind)| Rule {
            name: kind.as_str().into(),
            kind: *kind,
            position: i64::try_from(i).unwrap() + 1,
            enabled: true,
            params: params_of(kind.as_str(), *kind, &serde_json::json!({})).unwrap(),
        })
        .collect()
}

fn decide(entries: &[EntryFacts], targets: &[Target]) -> Outcome {
    decide_with(entries, targets, &rules(), &Memory::default())
}

fn decide_with(
    entries: &[EntryFacts],
    targets: &[Target],
    rules: &[Rule],
    memory: &Memory,
) -> Outcome {
    Matcher::new(targets, rules, memory, Thresholds::default()).run(entries)
}

#[test]
fn an_end_to_end_id_settles_its_payment_automatically() {
    let mut e = entry(1, -50_000);
    e.end_to_end_id = Some("E2E-P1".into());
    let mut payment = item(1, TargetKind::Payment, 50_000, "RENT-11");
    payment.end_to_end_id = Some("E2E-P1".into());
    let outcome = decide(&[e], &[payment]);
    assert_eq!(outcome.proposals.len(), 1);
    let p = &outcome.proposals[0];
    assert_eq!(
        (p.state, &*p.rule, p.difference_minor),
        (MatchState::Auto, "end_to_end_id", 0)
    );
    assert!(p.evidence.iter().any(|e| e.field == "end_to_end_id"));
}

#[test]
fn a_payment_settles_the_payable_it_pays_as_one_match() {
    let mut e = entry(1, -50_000);
    e.end_to_end_id = Some("E2E-P1".into());
    let mut payment = item(1, TargetKind::Payment, 50_000, "BILL-7");
    payment.end_to_end_id = Some("E2E-P1".into());
    let payable = item(2, TargetKind::Payable, 50_000, "BILL-7");
    let outcome = decide(&[e], &[payment, payable]);
    let p = &outcome.proposals[0];
    assert_eq!(p.state, MatchState::Auto);
    assert_eq!(
        p.settles
            .iter()
            .map(|s| (s.target, s.companion))
            .collect::<Vec<_>>(),
        [(0, false), (1, true)]
    );
    assert_eq!(
        p.difference_minor, 0,
        "the payable is the same money, counted once"
    );
}

#[test]
fn an_rf_reference_with_valid_check_digits_matches_and_a_typo_does_not() {
    let mut good = entry(1, 120_000);
    good.creditor_reference = Some("RF18539007547034".into());
    let mut typo = entry(2, 120_000);
    typo.creditor_reference = Some("RF19539007547034".into());
    typo.counterparty_iban = Some("DE02120300000000202051".into());
    let target = item(1, TargetKind::Receivable, 120_000, "RF18 5390 0754 7034");
    let outcome = decide(&[good, typo], &[target]);
    let auto: Vec<_> = outcome
        .proposals
        .iter()
        .filter(|p| p.state == MatchState::Auto)
        .collect();
    assert_eq!(auto.len(), 1);
    assert_eq!(auto[0].entry, 0);
    assert_eq!(&*auto[0].rule, "creditor_reference");
    assert_eq!(outcome.unmatched, [1]);
}

#[test]
fn an_invoice_number_split_across_lines_is_found_and_a_fee_is_named() {
    let mut e = entry(1, 99_250);
    e.remittance = Some("Payment of invoice INV-2026\n0042 thank you".into());
    e.counterparty_iban = Some("NL91ABNA0417164300".into());
    let outcome = decide(
        &[e],
        &[item(1, TargetKind::Receivable, 100_000, "INV 2026-0042")],
    );
    let p = &outcome.proposals[0];
    assert_eq!(&*p.rule, "invoice_number");
    assert_eq!(p.state, MatchState::Auto);
    assert_eq!(
        (p.difference_minor, p.difference_kind),
        (-750, Some(DifferenceKind::Fee))
    );
}

#[test]
fn a_number_inside_a_longer_number_is_not_evidence() {
    let mut e = entry(1, 100_000);
    e.remittance = Some("Order 9100423".into());
    let outcome = decide(&[e], &[item(1, TargetKind::Receivable, 100_000, "10042")]);
    assert!(outcome
        .proposals
        .iter()
        .all(|p| &*p.rule != "invoice_number"));
}

#[test]
fn two_equal_candidates_are_never_matched_automatically() {
    let mut e = entry(1, 30_000);
    e.counterparty_iban = Some("NL91ABNA0417164300".into());
    let outcome = decide(
        &[e],
        &[
            item(1, TargetKind::Receivable, 30_000, "A-1"),
            item(2, TargetKind::Receivable, 30_000, "A-2"),
        ],
    );
    assert!(outcome.proposals.len() >= 2);
    assert!(outcome
        .proposals
        .iter()
        .all(|p| p.state == MatchState::Suggested));
    assert!(outcome.proposals[0]
        .notes
        .iter()
        .any(|n| n.starts_with("ambiguous")));
}

#[test]
fn a_decoy_with_the_same_amount_but_another_counterparty_is_not_taken() {
    let mut e = entry(1, 30_000);
    e.counterparty_iban = Some("NL91ABNA0417164300".into());
    let mut decoy = item(2, TargetKind::Receivable, 30_000, "D-1");
    decoy.counterparty_iban = Some("DE02120300000000202051".into());
    decoy.counterparty_name = Some("Wingtip".into());
    let outcome = decide(
        &[e],
        &[item(1, TargetKind::Receivable, 30_000, "A-1"), decoy],
    );
    assert_eq!(outcome.proposals.len(), 1);
    assert_eq!(outcome.proposals[0].settles[0].target, 0);
}

#[test]
fn two_entries_claiming_one_item_are_both_only_suggested() {
    let mut a = entry(1, 10_000);
    a.end_to_end_id = Some("INV-9".into());
    let mut b = entry(2, 10_000);
    b.end_to_end_id = Some("INV-9".into());
    let outcome = decide(&[a, b], &[item(1, TargetKind::Receivable, 10_000, "INV-9")]);
    assert_eq!(outcome.proposals.len(), 2);
    assert!(outcome
        .proposals
        .iter()
        .all(|p| p.state == MatchState::Suggested));
}

#[test]
fn one_entry_pays_the_items_its_remittance_names() {
    let mut e = entry(1, 45_000);
    e.remittance = Some("INV-101 INV-102".into());
    e.counterparty_name = Some("TAILSPIN TOYS GMBH".into());
    let targets = [
        item(1, TargetKind::Receivable, 20_000, "INV-101"),
        item(2, TargetKind::Receivable, 25_000, "INV-102"),
        item(3, TargetKind::Receivable, 45_000, "INV-103"),
    ];
    let outcome = decide(&[e], &targets);
    let p = &outcome.proposals[0];
    assert_eq!(p.state, MatchState::Auto);
    assert_eq!(
        p.settles.iter().map(|s| s.target).collect::<Vec<_>>(),
        [0, 1]
    );
}

#[test]
fn an_unnamed_sum_of_one_counterpartys_items_is_suggested() {
    let mut e = entry(1, 45_000);
    e.counterparty_iban = Some("NL91ABNA0417164300".into());
    e.value_date = Some(day(25));
    let targets = [
        item(1, TargetKind::Receivable, 20_000, "X-1"),
        item(2, TargetKind::Receivable, 25_000, "X-2"),
        item(3, TargetKind::Receivable, 7_000, "X-3"),
    ];
    let outcome = decide(&[e], &targets);
    let p = &outcome.proposals[0];
    assert_eq!(
        (p.state, &*p.rule),
        (MatchState::Suggested, "several_items")
    );
    assert_eq!(p.settles.len(), 2);
}

#[test]
fn an_instalment_settles_part_of_its_item() {
    let mut e = entry(1, 40_000);
    e.end_to_end_id = Some("INV-5".into());
    let outcome = decide(&[e], &[item(1, TargetKind::Receivable, 100_000, "INV-5")]);
    let p = &outcome.proposals[0];
    assert_eq!(p.difference_kind, Some(DifferenceKind::Instalment));
    assert_eq!(p.settles[0].settled_minor, 40_000);
    assert_eq!(p.state, MatchState::Auto);
}

#[test]
fn a_batch_debit_settles_its_payments_one_by_one() {
    let mut e = entry(1, -60_000);
    e.details = [("E2E-1", -10_000), ("E2E-2", -20_000), ("E2E-3", -30_000)]
        .iter()
        .map(|(id, amount)| DetailFacts {
            amount_minor: Some(*amount),
            end_to_end_id: Some((*id).into()),
            ..DetailFacts::default()
        })
        .collect();
    let targets: Vec<Target> = [("E2E-1", 10_000), ("E2E-2", 20_000), ("E2E-3", 30_000)]
        .iter()
        .enumerate()
        .map(|(i, (id, amount))| {
            let mut p = item(
                i64::try_from(i).unwrap(),
                TargetKind::Payment,
                *amount,
                &format!("R{i}"),
            );
            p.end_to_end_id = Some((*id).into());
            p
        })
        .collect();
    let outcome = decide(&[e], &targets);
    let p = &outcome.proposals[0];
    assert_eq!(
        (p.state, &*p.rule, p.settles.len()),
        (MatchState::Auto, "batch", 3)
    );
}

#[test]
fn a_rejected_pair_is_not_proposed_again() {
    let mut e = entry(7, 10_000);
    e.end_to_end_id = Some("INV-9".into());
    let mut memory = Memory::default();
    memory.add_negative(7, TargetId::Item(1));
    let outcome = decide_with(
        &[e],
        &[item(1, TargetKind::Receivable, 10_000, "INV-9")],
        &rules(),
        &memory,
    );
    assert!(outcome.proposals.is_empty());
}

#[test]
fn a_learnt_alias_lets_the_iban_rule_find_the_party() {
    let mut e = entry(1, 30_000);
    e.counterparty_iban = Some("DE02120300000000202051".into());
    let mut target = item(1, TargetKind::Receivable, 30_000, "A-1");
    target.counterparty_iban = None;
    let without = decide(&[e.clone()], std::slice::from_ref(&target));
    assert!(without.proposals.is_empty());
    let mut memory = Memory::default();
    memory.add_alias("DE02 1203 0000 0000 2020 51", "Tailspin Toys");
    let with = decide_with(&[e], &[target], &rules(), &memory);
    assert_eq!(with.proposals[0].evidence[0].field, "counterparty_alias");
}

#[test]
fn a_disabled_rule_proposes_nothing() {
    let mut e = entry(1, 10_000);
    e.end_to_end_id = Some("INV-9".into());
    let mut rules = rules();
    for rule in &mut rules {
        rule.enabled =
            rule.kind != RuleKind::EndToEndId && rule.kind != RuleKind::CreditorReference;
    }
    let outcome = decide_with(
        &[e],
        &[item(1, TargetKind::Receivable, 10_000, "INV-9")],
        &rules,
        &Memory::default(),
    );
    assert!(outcome.proposals.is_empty());
}

#[test]
fn a_custom_rule_matches_by_its_criteria() {
    let (kind, params) = rule::rule_from_text(
        &serde_json::from_str(
            r#"{"name":"interest","criteria":[
        {"field":"entry.remittance","operator":"contains","value":"zinsen"},
        {"field":"item.reference","operator":"regex","value":"^INT-"},
        {"field":"amount","operator":"within_amount","value":"1.00"}],"confidence":"0.92"}"#,
        )
        .unwrap(),
    )
    .unwrap();
    let custom = Rule {
        name: "interest".into(),
        kind,
        position: 1,
        enabled: true,
        params: params_of("interest", kind, &params).unwrap(),
    };
    let mut e = entry(1, 1_250);
    e.remittance = Some("Zinsen Q3".into());
    let targets = [
        item(1, TargetKind::Receivable, 1_300, "INT-Q3"),
        item(2, TargetKind::Receivable, 1_250, "OTHER"),
    ];
    let outcome = decide_with(&[e], &targets, &[custom], &Memory::default());
    let p = &outcome.proposals[0];
    assert_eq!(
        (p.state, &*p.rule, p.settles[0].target, p.difference_minor),
        (MatchState::Auto, "interest", 0, -50)
    );
}

#[test]
fn a_pending_entry_is_matched_tentatively() {
    let mut e = entry(1, -50_000);
    e.pending = true;
    e.end_to_end_id = Some("E2E-P1".into());
    let mut payment = item(1, TargetKind::Payment, 50_000, "RENT-11");
    payment.end_to_end_id = Some("E2E-P1".into());
    let outcome = decide(&[e], &[payment]);
    assert!(outcome.proposals[0].tentative);
}

#[test]
fn jpy_amounts_have_no_minor_units_and_still_match() {
    let jpy = Currency::from_code("JPY").unwrap();
    let mut e = entry(1, 1_500_000);
    e.currency = jpy;
    e.end_to_end_id = Some("JP-7".into());
    let mut t = item(1, TargetKind::Receivable, 1_500_000, "JP-7");
    t.currency = jpy;
    let outcome = decide(&[e], &[t]);
    assert_eq!(outcome.proposals[0].state, MatchState::Auto);
}

#[test]
fn confidence_text_is_the_confidence_written_out() {
    for score in 0..=u8::MAX {
        assert_eq!(
            super::run::confidence_text(score),
            super::run::confidence(score).to_string()
        );
    }
}
