//! What the parts of the Payments screen share: the lifecycle's states in order, a state's badge, and a payment's reason in words.

import type { Payment, PaymentEvent } from '../api';
import { h } from '../dom';
import { humanize } from '../format';

/** The way forward, in order (`PaymentState`). */
export const LIFECYCLE_STATES = ['imported', 'validated', 'approved', 'sent', 'acknowledged', 'accepted', 'settled'] as const;
/** Where a payment stops without being paid. */
export const END_STATES = ['rejected', 'returned', 'cancelled'] as const;
export const PAYMENT_STATES = [...LIFECYCLE_STATES, ...END_STATES] as const;
/** The states a payment can still be cancelled in: it has not gone to the bank. */
export const CANCELLABLE_STATES: readonly string[] = ['imported', 'validated', 'approved'];

/** The case kinds opened about payments (`ExceptionKind`). */
export const PAYMENT_CASE_KINDS = ['payment_duplicate', 'cutoff_missed', 'payment_rejected'] as const;

export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `badge pay-state pay-state-${state}`, 'data-field': 'status', 'data-value': state }, humanize(state));
}

/** The event that set the payment's bank reason, the latest one applied that names it. */
function reasonEvent(payment: Payment): PaymentEvent | undefined {
  const applied = payment.events.filter((e) => e.applied);
  if (payment.reason !== null) return [...applied].reverse().find((e) => e.reason === payment.reason);
  return undefined;
}

/** A code with its meaning: "AC04 · the account is closed". */
export function codeInWords(code: string | null, meaning: string | null): string | null {
  if (code === null || code === '') return meaning;
  return meaning ? `${code} · ${meaning}` : code;
}

/**
 * Why a payment is where it is, in words: the bank's reason code and its meaning, the words a
 * cancellation was given, or what validation found; null when there is nothing to say.
 */
export function reasonInWords(payment: Payment): string | null {
  if (payment.reason !== null) {
    const event = reasonEvent(payment);
    const words = codeInWords(payment.reason, event?.reason_meaning ?? null);
    return event?.reason_text ? `${words} (${event.reason_text})` : words;
  }
  if (payment.status === 'cancelled') {
    const last = [...payment.events].reverse().find((e) => e.applied && e.status === 'cancelled');
    return last?.reason_text ?? null;
  }
  if (payment.issues.length > 0) {
    const [first] = payment.issues;
    const more = payment.issues.length > 1 ? ` (and ${payment.issues.length - 1} more)` : '';
    return `${first?.reason ?? ''}${more}`;
  }
  return null;
}

/** What a case of a payment asks for, as a heading. */
export function caseTitle(kind: string): string {
  switch (kind) {
    case 'payment_duplicate':
      return 'Possible duplicate';
    case 'cutoff_missed':
      return 'Missed cut-off';
    case 'payment_rejected':
      return 'Rejected by the bank';
    default:
      return humanize(kind);
  }
}
