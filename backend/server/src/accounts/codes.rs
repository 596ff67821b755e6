//! Making and checking one-time codes against what the store keeps of them.

use crate::domain::one_time_code::{self, Purpose};
use crate::error::{ApiError, ApiResult};
use crate::sealed_text::TextSealer;
use crate::state::AppState;
use crate::store::account_changes::CodeToSend;
use crate::store::account_codes::{self, CodeRow};

/// A new code of `purpose` for `email`, with the digest the store keeps.
pub fn new_code(sealer: &TextSealer, purpose: Purpose, email: &str) -> CodeToSend {
    let code = one_time_code::generate();
    let canonical = code.replace('-', "");
    CodeToSend {
        digest: sealer.keyed_digest(&one_time_code::digest_input(purpose, email, &canonical)),
        code,
    }
}

/// The stored code `found` if `typed` is it and it may still be used; otherwise counts a
/// wrong try against it and answers `invalid_code` (the same for a wrong, expired, used or
/// missing code).
pub async fn check(state: &AppState, purpose: Purpose, found: Option<CodeRow>, typed: &str) -> ApiResult<CodeRow> {
    let now = state.clock.now();
    let Some(found) = found.filter(|c| one_time_code::may_try(&c.state, now)) else {
        return Err(ApiError::InvalidCode);
    };
    let matches = one_time_code::normalize(typed).is_some_and(|canonical| {
        let digest = state
            .text_sealer
            .keyed_digest(&one_time_code::digest_input(purpose, &found.email, &canonical));
        same_digest(&digest, &found.digest)
    });
    if !matches {
        account_codes::count_wrong_try(&state.db, found.id).await?;
        return Err(ApiError::InvalidCode);
    }
    Ok(found)
}

/// Whether two digests are equal, in time that does not depend on where they differ.
fn same_digest(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_compare_whole() {
        assert!(same_digest("ab12", "ab12"));
        assert!(!same_digest("ab12", "ab13"));
        assert!(!same_digest("ab12", "ab1"));
    }
}
