//! Masking of account numbers for logs and screens: only the last four characters show.

/// How many trailing characters of an account number stay visible when masked.
pub const MASK_VISIBLE_CHARS: usize = 4;

/// Masks all but the last four characters, keeping the length hidden too (always `…` + 4).
pub fn mask_account(value: &str) -> String {
    let chars: Vec<char> = value.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() <= MASK_VISIBLE_CHARS {
        // Even a very short number is masked, so a log never shows a whole account number.
        return format!("…{}", "*".repeat(chars.len()));
    }
    let tail: String = chars[chars.len() - MASK_VISIBLE_CHARS..].iter().collect();
    format!("…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_last_four() {
        assert_eq!(mask_account("DE89370400440532013000"), "…3000");
        assert_eq!(mask_account("DE89 3704 0044 0532 0130 00"), "…3000");
    }

    #[test]
    fn short_numbers_are_fully_hidden() {
        assert_eq!(mask_account("123"), "…***");
    }
}
