//! The CPR number (the Danish personal identification number): the most
//! identifying thing the service ever holds, so it has a type of its own
//! that checks the format and date part, prints as `Cpr(******-****)` in
//! any debug output and never says the number in an error.
//!
//! Rules (CPR-kontoret): `DDMMYY-SSSS`, the dash optional. The 7th digit
//! (the first of the serial number) with the year gives the century:
//! - 0–3: 1900–1999;
//! - 4 and 9: 2000–2036 for YY 00–36, else 1937–1999;
//! - 5–8: 2000–2057 for YY 00–57, else 1858–1899.
//!
//! Since 2007 numbers are issued that fail the old modulus-11 check, so no
//! check digit is required.

use std::fmt;

/// A valid CPR number, kept as its 10 digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Cpr([u8; 10]);

/// Why a text is not a CPR number. Never contains the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CprError {
    /// Not 10 digits (with an optional dash after the sixth).
    #[error("a CPR number is 10 digits, DDMMYY-SSSS")]
    Format,
    /// The first six digits are not a date that exists.
    #[error("the first six digits of a CPR number must be a real date (DDMMYY)")]
    Date,
}

impl Cpr {
    /// Reads `DDMMYY-SSSS` or `DDMMYYSSSS` (surrounding spaces ignored).
    pub fn parse(text: &str) -> Result<Cpr, CprError> {
        let text = text.trim();
        let bytes = text.as_bytes();
        let digits: Vec<u8> = match bytes.len() {
            10 => bytes.to_vec(),
            11 if bytes[6] == b'-' => [&bytes[..6], &bytes[7..]].concat(),
            _ => return Err(CprError::Format),
        };
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(CprError::Format);
        }
        let mut number = [0u8; 10];
        for (slot, digit) in number.iter_mut().zip(&digits) {
            *slot = digit - b'0';
        }
        let cpr = Cpr(number);
        let (year, month, day) = cpr.birth_date();
        if month == 0 || month > 12 || day == 0 || day > days_in(year, month) {
            return Err(CprError::Date);
        }
        Ok(cpr)
    }

    /// The date of birth the number says: (year, month, day).
    pub fn birth_date(&self) -> (u32, u32, u32) {
        let n = |i: usize| u32::from(self.0[i]);
        let day = n(0) * 10 + n(1);
        let month = n(2) * 10 + n(3);
        let yy = n(4) * 10 + n(5);
        let century = match n(6) {
            0..=3 => 1900,
            4 | 9 if yy <= 36 => 2000,
            4 | 9 => 1900,
            _ if yy <= 57 => 2000,
            _ => 1800,
        };
        (century + yy, month, day)
    }

    /// The number as `DDMMYY-SSSS`, for sealing and for the case page and
    /// export only.
    pub fn expose(&self) -> String {
        let mut out = String::with_capacity(11);
        for (i, digit) in self.0.iter().enumerate() {
            if i == 6 {
                out.push('-');
            }
            out.push(char::from(b'0' + digit));
        }
        out
    }
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        _ => 28,
    }
}

impl fmt::Debug for Cpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cpr(******-****)")
    }
}

impl<'de> serde::Deserialize<'de> for Cpr {
    /// Reads a JSON string; anything else (a number, say) is refused without
    /// echoing it, as serde's own type errors would.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Cpr, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Cpr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a CPR number as text")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Cpr, E> {
                Cpr::parse(text).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Cpr, E> {
                Err(E::custom(CprError::Format))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Cpr, E> {
                Err(E::custom(CprError::Format))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Cpr, E> {
                Err(E::custom(CprError::Format))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_digits_with_or_without_a_dash_are_read() {
        let with = Cpr::parse("010203-1234").expect("valid");
        let without = Cpr::parse(" 0102031234 ").expect("valid");
        assert_eq!(with, without);
        assert_eq!(with.expose(), "010203-1234");
    }

    #[test]
    fn the_format_is_checked() {
        for bad in [
            "",
            "01020312345",
            "010203123",
            "0102-031234",
            "01020a-1234",
            "010203 1234",
            "０１０２０３１２３４",
        ] {
            assert_eq!(Cpr::parse(bad), Err(CprError::Format), "{bad:?}");
        }
    }

    #[test]
    fn the_date_part_must_be_a_real_date() {
        for bad in ["000190-1234", "320190-1234", "011390-1234", "010090-1234"] {
            assert_eq!(Cpr::parse(bad), Err(CprError::Date), "{bad:?}");
        }
        assert_eq!(Cpr::parse("310490-1234"), Err(CprError::Date));
        assert!(Cpr::parse("300490-1234").is_ok());
    }

    #[test]
    fn the_seventh_digit_gives_the_century() {
        let year = |text: &str| Cpr::parse(text).expect("valid").birth_date().0;
        assert_eq!(year("010199-0123"), 1999);
        assert_eq!(year("010100-3123"), 1900);
        assert_eq!(year("010110-4123"), 2010);
        assert_eq!(year("010137-4123"), 1937);
        assert_eq!(year("010136-9123"), 2036);
        assert_eq!(year("010150-9123"), 1950);
        assert_eq!(year("010108-5123"), 2008);
        assert_eq!(year("010157-8123"), 2057);
        assert_eq!(year("010158-6123"), 1858);
    }

    #[test]
    fn leap_days_follow_the_century() {
        // 29 February 2000 (7th digit 4: year 2000, a leap year).
        assert!(Cpr::parse("290200-4123").is_ok());
        // 29 February 1900 (7th digit 0: year 1900, not a leap year).
        assert_eq!(Cpr::parse("290200-0123"), Err(CprError::Date));
        // 29 February 2004 and 1904 are leap days; 2005 is not.
        assert!(Cpr::parse("290204-4123").is_ok());
        assert!(Cpr::parse("290204-1123").is_ok());
        assert_eq!(Cpr::parse("290205-4123"), Err(CprError::Date));
    }

    #[test]
    fn numbers_failing_the_old_modulus_11_check_are_valid() {
        // 0101904000: weighted sum 4*0+3*1+2*0+7*1+6*9+5*0+4*4 = 80, not a
        // multiple of 11, and still a number CPR may issue since 2007.
        assert!(Cpr::parse("010190-4000").is_ok());
    }

    #[test]
    fn the_number_is_never_in_debug_output_or_errors() {
        let cpr = Cpr::parse("241299-1234").expect("valid");
        let debug = format!("{cpr:?} {:?}", Some(cpr.clone()));
        assert!(!debug.contains("241299"), "{debug}");
        assert!(!debug.contains("1234"), "{debug}");
        let error = serde_json::from_str::<Cpr>("2412991234").expect_err("a number is not text");
        assert!(!error.to_string().contains("2412991234"), "{error}");
        let error = serde_json::from_str::<Cpr>("\"241399-1234\"").expect_err("no 24th month");
        assert!(!error.to_string().contains("241399"), "{error}");
        let read: Cpr = serde_json::from_str("\"2412991234\"").expect("valid");
        assert_eq!(read, cpr);
    }
}
