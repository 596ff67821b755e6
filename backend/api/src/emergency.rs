//! Words that suggest an emergency, in English and Spanish. The portal is never for
//! emergencies: the app asks "call 911 now?" before sending such a message, and the server
//! marks the thread as possibly urgent so triage sees it first. One list, shared by both.
//!
//! Matching is on whole words after folding case, accents and apostrophes, so "Tengo DOLOR de
//! pécho" and "I can't breathe" are found, and "breathe" alone or "chestnut" are not.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Phrases in their folded form (lower case, no accents, no apostrophes, single spaces). The
/// UI's test double matches against the same list (generated into
/// `ui/src/lib/ipc/generated/values.ts`).
pub const PHRASES: &[&str] = &[
    // English
    "chest pain",
    "chest pressure",
    "chest tightness",
    "pain in my chest",
    "heart attack",
    "cant breathe",
    "cannot breathe",
    "can not breathe",
    "trouble breathing",
    "difficulty breathing",
    "hard to breathe",
    "short of breath",
    "shortness of breath",
    "not breathing",
    "choking",
    "stroke",
    "face drooping",
    "slurred speech",
    "suicidal",
    "suicide",
    "kill myself",
    "end my life",
    "want to die",
    "hurt myself",
    "harm myself",
    "overdose",
    "overdosed",
    "heavy bleeding",
    "bleeding heavily",
    "bleeding a lot",
    "wont stop bleeding",
    "severe allergic reaction",
    "allergic reaction",
    "anaphylaxis",
    "anaphylactic",
    "throat is swelling",
    "throat swelling",
    "swollen throat",
    "tongue swelling",
    "unconscious",
    "passed out",
    "seizure",
    "severe burn",
    // Spanish
    "dolor de pecho",
    "dolor en el pecho",
    "presion en el pecho",
    "ataque al corazon",
    "infarto",
    "no puedo respirar",
    "dificultad para respirar",
    "falta de aire",
    "me ahogo",
    "derrame cerebral",
    "suicidio",
    "suicida",
    "quiero morir",
    "quitarme la vida",
    "matarme",
    "hacerme dano",
    "sobredosis",
    "sangrado abundante",
    "sangrado fuerte",
    "sangra mucho",
    "no para de sangrar",
    "reaccion alergica",
    "anafilaxia",
    "se me cierra la garganta",
    "garganta hinchada",
    "inconsciente",
    "me desmaye",
    "convulsion",
    "convulsiones",
    "quemadura grave",
];

/// The first phrase of the list found in `text` (in its folded form), or `None`.
///
/// The folded text is read once, word by word, against an index of the phrases by their first
/// word: a 20,000-character message costs one pass, not one substring search per phrase.
pub fn matched(text: &str) -> Option<&'static str> {
    let folded = fold(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    let index = phrases_by_first_word();
    let mut first: Option<usize> = None;
    for (at, word) in words.iter().enumerate() {
        for (n, phrase) in index.get(word).into_iter().flatten() {
            if first.is_none_or(|f| *n < f) && words[at..].starts_with(phrase) {
                first = Some(*n);
            }
        }
    }
    first.map(|n| PHRASES[n])
}

/// Each phrase's position in [`PHRASES`] and its words, by its first word.
type PhraseIndex = HashMap<&'static str, Vec<(usize, Vec<&'static str>)>>;

fn phrases_by_first_word() -> &'static PhraseIndex {
    static INDEX: OnceLock<PhraseIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = PhraseIndex::new();
        for (n, phrase) in PHRASES.iter().enumerate() {
            let words: Vec<&'static str> = phrase.split(' ').collect();
            index.entry(words[0]).or_default().push((n, words));
        }
        index
    })
}

/// Lower case, Latin accents removed, apostrophes dropped, every other non-alphanumeric
/// character a single space, padded with one space on each side.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            '\'' | '’' | '`' | '´' => continue,
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_emergencies_in_english_and_spanish() {
        assert_eq!(matched("I have chest pain"), Some("chest pain"));
        assert_eq!(matched("Since last night I CAN'T breathe well"), Some("cant breathe"));
        assert_eq!(matched("I can’t breathe"), Some("cant breathe"));
        assert_eq!(matched("tengo dolor de pecho"), Some("dolor de pecho"));
        assert_eq!(matched("Tengo DOLOR en el pécho desde ayer"), Some("dolor en el pecho"));
        assert_eq!(matched("Reacción alérgica en la cara"), Some("reaccion alergica"));
        assert_eq!(matched("I have been feeling suicidal."), Some("suicidal"));
        assert_eq!(matched("heavy\n\nbleeding after the biopsy"), Some("heavy bleeding"));
        assert_eq!(matched("quiero hacerme daño"), Some("hacerme dano"));
    }

    #[test]
    fn ordinary_messages_do_not_match() {
        for text in [
            "Could I renew my tretinoin prescription?",
            "The mole on my back looks larger than in March.",
            "I breathe better since the new cream",
            "chestnut allergy test results?",
            "Necesito una cita para la próxima semana",
            "",
        ] {
            assert_eq!(matched(text), None, "{text}");
        }
    }

    #[test]
    fn every_phrase_is_in_folded_form() {
        for phrase in PHRASES {
            assert_eq!(fold(phrase).trim(), *phrase);
        }
    }

    #[test]
    fn the_first_phrase_of_the_list_is_answered_wherever_it_is_in_the_text() {
        // "stroke" comes after "chest pain" in the list, and before it in the text.
        assert_eq!(matched("a stroke, then chest pain"), Some("chest pain"));
        // Phrases sharing a first word, and a phrase cut off at the end of the text.
        assert_eq!(matched("I have chest tightness"), Some("chest tightness"));
        assert_eq!(matched("pain in my"), None);
    }

    #[test]
    fn matches_whole_word_runs_as_a_search_of_the_folded_text_would() {
        // The plain definition: the phrase, padded with spaces, inside the padded folded text.
        let oracle = |text: &str| {
            let folded = fold(text);
            PHRASES
                .iter()
                .copied()
                .find(|phrase| folded.contains(&format!(" {phrase} ")))
        };
        let mut texts: Vec<String> = PHRASES
            .iter()
            .flat_map(|p| {
                [
                    p.to_string(),
                    format!("x{p}"),
                    format!("{p}x"),
                    format!("Since Monday: {p}!"),
                ]
            })
            .collect();
        texts.push("word ".repeat(4_000) + "heavy bleeding");
        for text in &texts {
            assert_eq!(matched(text), oracle(text), "{text:.60}");
        }
    }
}
