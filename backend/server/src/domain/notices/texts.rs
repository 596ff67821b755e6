//! The words of each notice, in each language. `{practice}` stands for the practice's name,
//! `{patient}` for the patient a grant notice is about (never in a subject: a mail's subject
//! shows on lock screens); a kind with a code shows it on its own line between `before_code`
//! and `after_code`.

use super::kind::{Language, Notice};

pub(super) struct Text {
    pub subject: &'static str,
    pub before_code: &'static [&'static str],
    pub after_code: &'static [&'static str],
}

const fn text(
    subject: &'static str,
    before_code: &'static [&'static str],
    after_code: &'static [&'static str],
) -> Text {
    Text {
        subject,
        before_code,
        after_code,
    }
}

/// The closing line of every notice.
pub(super) fn footer(language: Language) -> &'static str {
    match language {
        Language::English => {
            "This email never contains health information. Please do not reply to it: \
             sign in to the Patient Portal, or call {practice}."
        }
        Language::Spanish => {
            "Este correo nunca contiene información de salud. Por favor, no lo responda: \
             inicie sesión en el Portal del Paciente o llame a {practice}."
        }
    }
}

pub(super) fn text_of(notice: &Notice, language: Language) -> Text {
    match language {
        Language::English => english(notice),
        Language::Spanish => spanish(notice),
    }
}

fn english(notice: &Notice) -> Text {
    match notice {
        Notice::NewMessage => text(
            "You have a new secure message",
            &["You have a new secure message from {practice}. Sign in to the Patient Portal to read it."],
            &[],
        ),
        Notice::NewResult => text(
            "A new test result is available",
            &["A new test result from {practice} is available. Sign in to the Patient Portal to see it."],
            &[],
        ),
        Notice::PassphraseChanged => text(
            "Your pass-phrase was changed",
            &[
                "The pass-phrase of your {practice} Patient Portal account was changed, and every other \
                 session was signed out.",
                "If you did not change it, call {practice} at once.",
            ],
            &[],
        ),
        Notice::NewDevice => text(
            "A new device signed in",
            &[
                "A device not used before with your {practice} Patient Portal account has just signed in.",
                "If this was not you, change your pass-phrase and call {practice}.",
            ],
            &[],
        ),
        Notice::ActivationCode(_) => text(
            "Your activation code",
            &[
                "{practice} invites you to its Patient Portal. In the app, choose \"I have an activation \
                 code\" and enter this code (patients also give their date of birth):",
            ],
            &["The code is valid for 7 days and can be used once."],
        ),
        Notice::ResetCode(_) => text(
            "Your pass-phrase reset code",
            &["To choose a new pass-phrase for your {practice} Patient Portal account, enter this code in the app:"],
            &[
                "The code is valid for 15 minutes and can be used once.",
                "If you did not ask for it, you can ignore this email: your pass-phrase stays as it is.",
            ],
        ),
        Notice::EmailChangeCode(_) => text(
            "Confirm your new email address",
            &["To use this address for your {practice} Patient Portal account, enter this code in the app:"],
            &["Until you do, notices keep going to your previous address."],
        ),
        Notice::EmailBeingChanged => text(
            "Your email address is being changed",
            &[
                "Someone asked to change the email address of your {practice} Patient Portal account. \
                 The change takes effect only once it is confirmed from the new address.",
                "If you did not ask for it, change your pass-phrase and call {practice}.",
            ],
            &[],
        ),
        Notice::GrantInvitation { .. } => text(
            "You are invited to act for a patient",
            &[
                "{patient} has invited you to act for them in {practice}'s Patient Portal.",
                "To accept, sign in to the Patient Portal with this email address and open Invitations. \
                 If you do not know {patient}, you can decline it there or ignore this email.",
            ],
            &[],
        ),
        Notice::GrantInvitationWithCode { .. } => text(
            "You are invited to act for a patient",
            &[
                "{patient} has invited you to act for them in {practice}'s Patient Portal.",
                "You do not have an account yet. In the app, choose \"I have an activation code\" and \
                 enter this code with this email address (no date of birth is asked):",
            ],
            &[
                "The code is valid for 7 days and can be used once. Once your account is open, open \
                 Invitations to accept. If you do not know {patient}, ignore this email.",
            ],
        ),
        Notice::GrantEnded { .. } => text(
            "Your access to a patient's portal has ended",
            &["Your access to {patient}'s portal at {practice} has ended. You can no longer act for them in the Patient Portal."],
            &[],
        ),
    }
}

fn spanish(notice: &Notice) -> Text {
    match notice {
        Notice::NewMessage => text(
            "Tiene un nuevo mensaje seguro",
            &["Tiene un nuevo mensaje seguro de {practice}. Inicie sesión en el Portal del Paciente para leerlo."],
            &[],
        ),
        Notice::NewResult => text(
            "Hay un nuevo resultado de prueba disponible",
            &[
                "Hay un nuevo resultado de prueba de {practice} disponible. Inicie sesión en el Portal del \
               Paciente para verlo.",
            ],
            &[],
        ),
        Notice::PassphraseChanged => text(
            "Su frase de contraseña ha cambiado",
            &[
                "La frase de contraseña de su cuenta del Portal del Paciente de {practice} ha cambiado, y \
                 se han cerrado todas las demás sesiones.",
                "Si usted no la cambió, llame a {practice} de inmediato.",
            ],
            &[],
        ),
        Notice::NewDevice => text(
            "Un nuevo dispositivo ha iniciado sesión",
            &[
                "Un dispositivo que no se había usado antes con su cuenta del Portal del Paciente de \
                 {practice} acaba de iniciar sesión.",
                "Si no fue usted, cambie su frase de contraseña y llame a {practice}.",
            ],
            &[],
        ),
        Notice::ActivationCode(_) => text(
            "Su código de activación",
            &[
                "{practice} le invita a su Portal del Paciente. En la aplicación, elija \"Tengo un código \
                 de activación\" e introduzca este código (los pacientes indican también su fecha de \
                 nacimiento):",
            ],
            &["El código es válido durante 7 días y puede usarse una sola vez."],
        ),
        Notice::ResetCode(_) => text(
            "Su código para restablecer la frase de contraseña",
            &[
                "Para elegir una nueva frase de contraseña para su cuenta del Portal del Paciente de \
               {practice}, introduzca este código en la aplicación:",
            ],
            &[
                "El código es válido durante 15 minutos y puede usarse una sola vez.",
                "Si no lo pidió, puede ignorar este correo: su frase de contraseña no cambia.",
            ],
        ),
        Notice::EmailChangeCode(_) => text(
            "Confirme su nueva dirección de correo",
            &[
                "Para usar esta dirección con su cuenta del Portal del Paciente de {practice}, introduzca \
               este código en la aplicación:",
            ],
            &["Hasta que lo haga, los avisos seguirán llegando a su dirección anterior."],
        ),
        Notice::EmailBeingChanged => text(
            "Se está cambiando su dirección de correo",
            &[
                "Alguien pidió cambiar la dirección de correo de su cuenta del Portal del Paciente de \
                 {practice}. El cambio solo tendrá efecto cuando se confirme desde la nueva dirección.",
                "Si no lo pidió, cambie su frase de contraseña y llame a {practice}.",
            ],
            &[],
        ),
        Notice::GrantInvitation { .. } => text(
            "Le invitan a actuar en nombre de un paciente",
            &[
                "{patient} le ha invitado a actuar en su nombre en el Portal del Paciente de {practice}.",
                "Para aceptar, inicie sesión en el Portal del Paciente con esta dirección de correo y abra \
                 Invitaciones. Si no conoce a {patient}, puede rechazarla allí o ignorar este correo.",
            ],
            &[],
        ),
        Notice::GrantInvitationWithCode { .. } => text(
            "Le invitan a actuar en nombre de un paciente",
            &[
                "{patient} le ha invitado a actuar en su nombre en el Portal del Paciente de {practice}.",
                "Todavía no tiene una cuenta. En la aplicación, elija \"Tengo un código de activación\" e \
                 introduzca este código con esta dirección de correo (no se pide fecha de nacimiento):",
            ],
            &[
                "El código es válido durante 7 días y puede usarse una sola vez. Cuando su cuenta esté \
                 abierta, abra Invitaciones para aceptar. Si no conoce a {patient}, ignore este correo.",
            ],
        ),
        Notice::GrantEnded { .. } => text(
            "Su acceso al portal de un paciente ha terminado",
            &[
                "Su acceso al portal de {patient} en {practice} ha terminado. Ya no puede actuar en su \
                 nombre en el Portal del Paciente.",
            ],
            &[],
        ),
    }
}
