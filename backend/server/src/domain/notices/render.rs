//! A notice as a mail: its subject, plain text and HTML. The HTML is the plain text's
//! paragraphs, each escaped, so a practice's name such as `Smith & <Jones>` stays text; names
//! are put in once, so a name holding `{patient}` stays that text too.

use super::kind::{Language, Notice};
use super::texts::{footer, text_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// `notice` in `language`, naming `practice`.
pub fn render(notice: &Notice, language: Language, practice: &str) -> RenderedMail {
    let practice = one_line(practice);
    let patient = one_line(notice.patient().unwrap_or_default());
    let fill = |s: &str| fill_in(s, &[("{practice}", &practice), ("{patient}", &patient)]);
    let words = text_of(notice, language);
    let subject = format!("{practice}: {}", words.subject);

    let mut paragraphs: Vec<String> = words.before_code.iter().map(|p| fill(p)).collect();
    let code = notice.code().map(one_line);
    let code_at = paragraphs.len();
    if let Some(code) = &code {
        paragraphs.push(code.clone());
    }
    paragraphs.extend(words.after_code.iter().map(|p| fill(p)));
    paragraphs.push(fill(footer(language)));

    let text = paragraphs.join("\n\n") + "\n";
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n",
        language.as_str(),
        escape(&subject)
    );
    for (i, paragraph) in paragraphs.iter().enumerate() {
        if code.is_some() && i == code_at {
            html.push_str(&format!(
                "<p style=\"font-size:1.5em;letter-spacing:0.2em\"><strong>{}</strong></p>\n",
                escape(paragraph)
            ));
        } else {
            html.push_str(&format!("<p>{}</p>\n", escape(paragraph)));
        }
    }
    html.push_str("</body></html>\n");
    RenderedMail { subject, text, html }
}

/// `template` with each placeholder replaced by its value, in one pass: what a value holds is
/// never read as a placeholder.
fn fill_in(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    'scan: while !rest.is_empty() {
        for (placeholder, value) in values {
            if let Some(after) = rest.strip_prefix(placeholder) {
                out.push_str(value);
                rest = after;
                continue 'scan;
            }
        }
        let mut chars = rest.chars();
        out.extend(chars.next());
        rest = chars.as_str();
    }
    out
}

/// Control characters (line breaks in a header above all) become spaces.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRACTICE: &str = "Smith & <Jones> \"Skin\"";
    const CODE: &str = "482913";

    #[test]
    fn every_kind_in_every_language_names_the_practice_and_escapes_it_in_html() {
        for notice in Notice::samples(CODE) {
            for language in Language::ALL {
                let mail = render(&notice, language, PRACTICE);
                let what = format!("{} in {}", notice.kind(), language.as_str());
                assert!(mail.subject.starts_with(PRACTICE), "{what}: {}", mail.subject);
                assert!(mail.text.contains(PRACTICE), "{what}");
                assert!(
                    mail.html.contains("Smith &amp; &lt;Jones&gt; &quot;Skin&quot;"),
                    "{what}: {}",
                    mail.html
                );
                assert!(!mail.html.contains("<Jones>"), "{what}: the name is not markup");
                assert!(mail.html.contains(&format!("lang=\"{}\"", language.as_str())), "{what}");
            }
        }
    }

    #[test]
    fn a_code_is_in_the_mails_of_its_kinds_only() {
        for notice in Notice::samples(CODE) {
            for language in Language::ALL {
                let mail = render(&notice, language, "Clinic");
                let shown = mail.text.contains(CODE) && mail.html.contains(&format!("<strong>{CODE}</strong>"));
                assert_eq!(shown, notice.code().is_some(), "{}", notice.kind());
                assert!(!mail.subject.contains(CODE), "never in the subject");
            }
        }
    }

    #[test]
    fn each_language_has_its_own_words() {
        for notice in Notice::samples(CODE) {
            let english = render(&notice, Language::English, "Clinic");
            let spanish = render(&notice, Language::Spanish, "Clinic");
            assert_ne!(english.subject, spanish.subject, "{}", notice.kind());
            assert_ne!(english.text, spanish.text);
            assert!(english.text.contains("Patient Portal") || english.text.contains("this code"));
            assert!(spanish.text.contains("Portal del Paciente"), "{}", notice.kind());
            assert!(spanish.html.contains("información de salud"));
            assert!(english.html.contains("never contains health information"));
        }
    }

    #[test]
    fn the_subjects_say_what_the_issue_names() {
        let subject = |n: Notice| render(&n, Language::English, "C").subject;
        assert_eq!(subject(Notice::NewMessage), "C: You have a new secure message");
        assert_eq!(subject(Notice::NewResult), "C: A new test result is available");
        assert_eq!(subject(Notice::PassphraseChanged), "C: Your pass-phrase was changed");
        assert_eq!(subject(Notice::NewDevice), "C: A new device signed in");
    }

    #[test]
    fn the_grant_mails_name_the_patient_in_the_body_only_and_say_how_to_accept() {
        let patient = "Blair <Ortiz> {practice}";
        let invited = render(
            &Notice::GrantInvitation {
                patient: patient.into(),
            },
            Language::English,
            "Clinic {patient}",
        );
        assert!(!invited.subject.contains("Blair"), "{}", invited.subject);
        assert!(
            invited.text.contains(
                "Blair <Ortiz> {practice} has invited you to act for them in Clinic {patient}'s Patient Portal"
            ),
            "{}",
            invited.text
        );
        assert!(invited.html.contains("Blair &lt;Ortiz&gt;"));
        assert!(invited.text.contains("Invitations"));
        let with_code = render(
            &Notice::GrantInvitationWithCode {
                patient: "Blair Ortiz".into(),
                code: CODE.into(),
            },
            Language::Spanish,
            "Clinic",
        );
        assert!(
            with_code.text.contains("Blair Ortiz le ha invitado"),
            "{}",
            with_code.text
        );
        assert!(with_code.text.contains(CODE) && with_code.text.contains("Invitaciones"));
        let ended = render(
            &Notice::GrantEnded {
                patient: "Blair Ortiz".into(),
            },
            Language::English,
            "Clinic",
        );
        assert!(ended
            .text
            .contains("Your access to Blair Ortiz's portal at Clinic has ended"));
        assert_eq!(ended.subject, "Clinic: Your access to a patient's portal has ended");
    }

    #[test]
    fn placeholders_are_filled_once() {
        assert_eq!(
            fill_in(
                "{practice} / {patient}",
                &[("{practice}", "{patient}"), ("{patient}", "P")]
            ),
            "{patient} / P"
        );
        assert_eq!(fill_in("café {x", &[("{x}", "y")]), "café {x");
    }

    #[test]
    fn a_line_break_in_the_name_cannot_reach_a_header() {
        let mail = render(&Notice::NewMessage, Language::English, "Clinic\r\nBcc: x@y.example");
        assert!(!mail.subject.contains('\n') && !mail.subject.contains('\r'));
    }

    #[test]
    fn text_has_no_markup_and_html_no_unescaped_text() {
        let mail = render(&Notice::ResetCode(CODE.into()), Language::Spanish, "Clínica Piel");
        assert!(!mail.text.contains("<p>"));
        assert!(mail.html.starts_with("<!DOCTYPE html>"));
        assert!(mail.text.ends_with('\n'));
    }
}
