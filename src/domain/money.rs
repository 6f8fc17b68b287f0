//! Amounts of money as a rep types them ("80 000", "1250,50") and as they
//! are stored: whole hundredths (cents, kopecks) in an `i64`, never a float,
//! so sums and comparisons are exact and every device shows the same figure.

use crate::domain::DomainError;

/// The largest amount a field takes: a thousand billion in any currency,
/// far above any order or account, far below where hundredths overflow.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000 * 100;

/// An amount typed by the rep, in hundredths: digits with spaces (or
/// thin spaces, or apostrophes) between groups and at most two decimals
/// after a point or a comma. Negative, empty or anything else is refused.
pub fn parse_amount(field: &'static str, raw: &str) -> Result<i64, DomainError> {
    let not_an_amount = || DomainError::NotAnAmount {
        field,
        value: raw.trim().to_owned(),
    };
    let text: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '_'))
        .collect();
    if text.starts_with('-') {
        return Err(DomainError::NegativeAmount { field });
    }
    let (whole, fraction) = match text.split_once(['.', ',']) {
        Some((whole, fraction)) => (whole, fraction),
        None => (text.as_str(), ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 2 {
        return Err(not_an_amount());
    }
    let too_large = || DomainError::AmountTooLarge {
        field,
        max: MAX_AMOUNT,
    };
    // More digits than any allowed amount has: refused before parsing.
    if whole.trim_start_matches('0').len() > 13 {
        return Err(too_large());
    }
    let whole: i64 = whole.parse().map_err(|_| not_an_amount())?;
    let cents: i64 = format!("{fraction:0<2}")
        .parse()
        .map_err(|_| not_an_amount())?;
    let amount = whole * 100 + cents;
    if amount > MAX_AMOUNT {
        return Err(too_large());
    }
    Ok(amount)
}

/// An amount in hundredths as the form shows it again: "80000", "1250.5"
/// (what [`parse_amount`] reads back to the same value).
pub fn amount_text(amount: i64) -> String {
    let (whole, cents) = (amount / 100, (amount % 100).abs());
    match cents {
        0 => whole.to_string(),
        c if c % 10 == 0 => format!("{whole}.{}", c / 10),
        c => format!("{whole}.{c:02}"),
    }
}

/// A currency code as the rep types it: three letters (ISO 4217), upper
/// cased ("eur" → "EUR").
pub fn parse_currency(raw: &str) -> Result<String, DomainError> {
    let code = raw.trim().to_ascii_uppercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(DomainError::NotACurrency(raw.trim().to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_reps_type_them() {
        assert_eq!(parse_amount("amount", "80000"), Ok(8_000_000));
        assert_eq!(parse_amount("amount", " 80 000 "), Ok(8_000_000));
        assert_eq!(parse_amount("amount", "1250,5"), Ok(125_050));
        assert_eq!(parse_amount("amount", "1250.05"), Ok(125_005));
        assert_eq!(parse_amount("amount", "0"), Ok(0));
        for amount in [0, 5, 50, 125_005, 125_050, 8_000_000] {
            assert_eq!(parse_amount("amount", &amount_text(amount)), Ok(amount));
        }
    }

    #[test]
    fn negative_words_and_too_many_decimals_are_refused() {
        assert_eq!(
            parse_amount("amount", "-5"),
            Err(DomainError::NegativeAmount { field: "amount" })
        );
        for raw in ["", "abc", "12a", "1.234", "1,2,3", ".5", "1e6"] {
            assert!(
                matches!(
                    parse_amount("amount", raw),
                    Err(DomainError::NotAnAmount { .. })
                ),
                "{raw:?}"
            );
        }
        assert!(matches!(
            parse_amount("amount", "1000000000001"),
            Err(DomainError::AmountTooLarge { .. })
        ));
        assert!(matches!(
            parse_amount("amount", &"9".repeat(40)),
            Err(DomainError::AmountTooLarge { .. })
        ));
        assert_eq!(parse_amount("amount", "1000000000000"), Ok(MAX_AMOUNT));
    }

    #[test]
    fn currencies_are_three_letters() {
        assert_eq!(parse_currency(" eur "), Ok("EUR".into()));
        assert!(parse_currency("EURO").is_err());
        assert!(parse_currency("€").is_err());
        assert!(parse_currency("").is_err());
    }
}
