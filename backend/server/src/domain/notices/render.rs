//! A notice as a mail: its subject, plain text and HTML. The HTML is the plain text's
//! paragraphs, each escaped, so a practice's name such as `Smith & <Jones>` stays text.

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
    let fill = |s: &str| s.replace("{practice}", &practice);
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
