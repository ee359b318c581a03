//! Byte scans for the line-based parsers (BAI2, MT940): finding the first byte an MT940 line
//! reader must look at a word at a time rather than a byte at a time (a set of bytes, which
//! `memchr`, used for single bytes, does not search), and small numbers written without `fmt`.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that equals `byte` (and possibly of bytes above the
/// first such byte, which is why only the lowest set bit is exact).
#[inline(always)]
fn matches(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

#[inline(always)]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// Where the first byte that an MT940 line reader must look at occurs: a control character
/// (line breaks and the SOH/ETX frame among them), DEL, `@` (of an `@@` line separator) or a
/// byte past ASCII (0xC2 leads the UTF-8 C1 controls).
pub(crate) fn find_line_special(haystack: &[u8]) -> Option<usize> {
    let mut at = 0;
    while at + 8 <= haystack.len() {
        let word = word_at(haystack, at);
        // A byte below 0x20 borrows when 0x20 is taken from it; as in `matches`, only the
        // lowest flag is exact, which is all that is read.
        let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        // DEL and up: the high bit is set, or adding one sets it (a carry out of 0xFF can
        // only flag bytes above one that is flagged itself).
        let del_and_up = (word | word.wrapping_add(ONES)) & HIGHS;
        let found = below_space | del_and_up | matches(word, b'@');
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    haystack[at..]
        .iter()
        .position(|b| is_line_special(*b))
        .map(|offset| at + offset)
}

fn is_line_special(byte: u8) -> bool {
    !(0x20..0x7F).contains(&byte) || byte == b'@'
}

/// Two-digit numbers, `00` to `99`, one after another.
const PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut at = 0;
    while at < 100 {
        pairs[2 * at] = b'0' + (at / 10) as u8;
        pairs[2 * at + 1] = b'0' + (at % 10) as u8;
        at += 1;
    }
    pairs
};

/// How many digits `number` has in decimal.
pub(crate) fn decimal_len(number: usize) -> usize {
    number.checked_ilog10().map_or(1, |log| log as usize + 1)
}

/// Appends `number` in decimal.
pub(crate) fn push_decimal(out: &mut String, number: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = number;
    while rest >= 100 {
        let pair = rest % 100 * 2;
        rest /= 100;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if rest >= 10 {
        at -= 2;
        digits[at..at + 2].copy_from_slice(&PAIRS[rest * 2..rest * 2 + 2]);
    } else {
        at -= 1;
        digits[at] = b'0' + rest as u8;
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("digits are ASCII"));
}

/// `text` without the whitespace around it, exactly as [`str::trim`] trims it, faster where
/// the text starts and ends in ASCII.
pub(crate) fn trim(text: &str) -> &str {
    let trimmed = text.trim_ascii();
    let bytes = trimmed.as_bytes();
    // Beyond ASCII's own, Unicode counts the vertical tab and characters past ASCII (no-break
    // space, …) as whitespace.
    let unusual = |b: &u8| *b >= 0x80 || *b == 0x0B;
    if bytes.first().is_some_and(unusual) || bytes.last().is_some_and(unusual) {
        trimmed.trim()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn finds_as_a_plain_search_does(
            haystack in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'@'), Just(1u8), Just(0x20u8), Just(0xC2u8), any::<u8>()], 0..80),
        ) {
            prop_assert_eq!(
                find_line_special(&haystack),
                haystack.iter().position(|b| is_line_special(*b))
            );
        }

        #[test]
        fn trims_as_str_trim_does(text in "[ \t\n\r\u{b}\u{c}\u{a0}\u{85}\u{3000}a-zé]{0,12}") {
            prop_assert_eq!(trim(&text), text.trim());
        }

        #[test]
        fn writes_numbers_as_fmt_does(number in prop_oneof![0usize..1000, any::<usize>()]) {
            let mut out = String::new();
            push_decimal(&mut out, number);
            prop_assert_eq!(out.len(), decimal_len(number));
            prop_assert_eq!(out, number.to_string());
        }
    }
}
