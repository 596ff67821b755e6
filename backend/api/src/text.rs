//! Characters that change how text is shown without being seen: direction overrides,
//! isolates and marks (a right-to-left override makes `Refill <RLO>txt.exe` show as
//! `Refill exe.txt`), zero-width and other format characters (Unicode category Cf), line and
//! paragraph separators, and letters that draw nothing (Hangul fillers). One definition for
//! everything people write or name: message subjects and bodies, and attachment file names.
//!
//! Joiners are the exception where writing needs them: U+200D (zero-width joiner) and U+200C
//! (non-joiner) between two emoji (a health worker, a family) or two letters of a script that
//! joins with them (Arabic and Persian, the Indic scripts), and tag characters after a black
//! flag (the flags of England, Scotland and Wales). Anywhere else they hide or join nothing a
//! reader can see, and are refused as the rest are.

/// True for a character that is never shown as itself, or changes how the text around it is
/// ordered: category Cf (format), the line and paragraph separators, and blank letters.
/// Control characters (category Cc) are left to the caller, which may keep line breaks.
pub fn is_hidden(c: char) -> bool {
    HIDDEN.iter().any(|(first, last)| (*first..=*last).contains(&c))
}

/// The characters [`is_hidden`] is true for, as ranges.
const HIDDEN: &[(char, char)] = &[
    // Category Cf (Unicode 16).
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
    // Line and paragraph separators (Zl, Zp).
    ('\u{2028}', '\u{2029}'),
    // Letters that draw nothing.
    ('\u{115F}', '\u{1160}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FFA0}', '\u{FFA0}'),
];

/// The hidden characters of the Basic Multilingual Plane that no context allows (all but the
/// joiners), as the inside of a regular-expression class (`\uXXXX` ranges, understood by
/// JSON Schema patterns): for documents that state the rule. Joiners and characters beyond
/// the BMP are left to the check itself.
pub fn hidden_pattern_class() -> String {
    let mut class = String::new();
    for &(first, last) in HIDDEN {
        for (a, b) in split_out_joiners(first, last) {
            if u32::from(b) > 0xFFFF {
                continue;
            }
            class.push_str(&format!("\\u{:04x}", u32::from(a)));
            if a != b {
                class.push_str(&format!("-\\u{:04x}", u32::from(b)));
            }
        }
    }
    class
}

/// `first..=last` without U+200C and U+200D.
fn split_out_joiners(first: char, last: char) -> Vec<(char, char)> {
    let joiners = '\u{200C}'..='\u{200D}';
    if !(first..=last).contains(joiners.start()) {
        return vec![(first, last)];
    }
    let mut parts = Vec::new();
    if first < *joiners.start() {
        parts.push((first, '\u{200B}'));
    }
    if last > *joiners.end() {
        parts.push(('\u{200E}', last));
    }
    parts
}

/// The first character of `text` that [`is_hidden`] refuses, leaving joiners where writing
/// needs them (see the module's documentation).
pub fn first_hidden(text: &str) -> Option<char> {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().find_map(|(i, &c)| {
        let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let after = chars.get(i + 1).copied();
        (is_hidden(c) && !is_needed_joiner(c, before, after)).then_some(c)
    })
}

fn is_needed_joiner(c: char, before: Option<char>, after: Option<char>) -> bool {
    match c {
        '\u{200C}' | '\u{200D}' => match (before, after) {
            (Some(b), Some(a)) => {
                (is_emoji_part(b) && is_emoji(a)) || joining_script(b).is_some_and(|s| joining_script(a) == Some(s))
            }
            // At the very end after an emoji: a sequence cut off while typing.
            (Some(b), None) => c == '\u{200D}' && is_emoji_part(b),
            _ => false,
        },
        '\u{E0020}'..='\u{E007F}' => {
            before.is_some_and(|b| b == '\u{1F3F4}' || ('\u{E0020}'..='\u{E007E}').contains(&b))
        }
        _ => false,
    }
}

/// A pictograph, or what may follow one inside an emoji sequence (variation selector 16,
/// skin tones, which are in the pictograph block).
fn is_emoji_part(c: char) -> bool {
    is_emoji(c) || c == '\u{FE0F}'
}

/// Pictographs and symbols emoji are made of.
fn is_emoji(c: char) -> bool {
    matches!(
        c,
        '\u{1F000}'..='\u{1FAFF}' | '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}' | '\u{2190}'..='\u{21FF}'
    )
}

/// The scripts whose spelling uses the joiners: Arabic (and Persian, Urdu) and the Indic
/// scripts from Devanagari to Malayalam.
fn joining_script(c: char) -> Option<u8> {
    match c {
        '\u{0600}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFE}' => Some(0),
        '\u{0900}'..='\u{0D7F}' => Some(1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_isolates_marks_and_zero_width_characters_are_hidden() {
        for c in [
            '\u{202E}',
            '\u{202A}',
            '\u{2066}',
            '\u{2069}',
            '\u{200E}',
            '\u{200F}',
            '\u{061C}',
            '\u{200B}',
            '\u{FEFF}',
            '\u{2060}',
            '\u{2064}',
            '\u{00AD}',
            '\u{E0001}',
            '\u{2028}',
            '\u{3164}',
        ] {
            assert!(is_hidden(c), "{c:?}");
            assert_eq!(first_hidden(&format!("ab{c}cd")), Some(c));
        }
        for c in [
            'a',
            ' ',
            'é',
            '\u{05D0}',
            '\u{0645}',
            '\u{1F600}',
            '\u{FE0F}',
            '\u{3000}',
            '\n',
            '\t',
        ] {
            assert!(!is_hidden(c), "{c:?}");
        }
    }

    #[test]
    fn joiners_stay_where_writing_needs_them() {
        assert_eq!(first_hidden("\u{1F469}\u{200D}\u{2695}\u{FE0F}"), None);
        assert_eq!(first_hidden("\u{2764}\u{FE0F}\u{200D}\u{1F525}"), None);
        assert_eq!(first_hidden("\u{0645}\u{06CC}\u{200C}\u{062E}"), None);
        assert_eq!(first_hidden("\u{0915}\u{094D}\u{200D}\u{0937}"), None);
        assert_eq!(first_hidden("\u{1F3F4}\u{E0067}\u{E0062}\u{E007F}"), None);
        assert_eq!(first_hidden("a\u{200D}b"), Some('\u{200D}'));
        assert_eq!(first_hidden("\u{200C}"), Some('\u{200C}'));
        assert_eq!(first_hidden("\u{0645}\u{200C}a"), Some('\u{200C}'), "across scripts");
        assert_eq!(first_hidden("x\u{E0067}"), Some('\u{E0067}'));
    }
}
