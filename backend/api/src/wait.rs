//! A wait as people say it, the same on the service and in the app.

/// "1 second", "40 seconds", "1 minute", "15 minutes": seconds under a minute, whole minutes
/// (rounded up, so a wait is never understated) from a minute on.
pub fn in_words(secs: u64) -> String {
    let secs = secs.max(1);
    if secs < 60 {
        return if secs == 1 {
            "1 second".into()
        } else {
            format!("{secs} seconds")
        };
    }
    let minutes = secs.div_ceil(60);
    if minutes == 1 {
        "1 minute".into()
    } else {
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_as_people_say_them() {
        assert_eq!(in_words(0), "1 second");
        assert_eq!(in_words(1), "1 second");
        assert_eq!(in_words(40), "40 seconds");
        assert_eq!(in_words(60), "1 minute");
        assert_eq!(in_words(61), "2 minutes");
        assert_eq!(in_words(845), "15 minutes");
        assert_eq!(in_words(900), "15 minutes");
    }
}
