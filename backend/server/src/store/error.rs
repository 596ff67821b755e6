//! What can go wrong in the store, in its own words. Callers map it to their own errors (the
//! service's `ApiError`, the CLI's messages); nothing above the store sees a `sqlx::Error`.
//!
//! A database's own message can quote the values of a row (an email address in a unique
//! violation, the text that failed a check), so it is never shown or logged: `Display` names
//! the failure's kind, and [`StoreError::log`] writes the kind, the database's code and the
//! constraint's name only.

/// A failure of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A statement failed. Its text is never displayed (see the module's note).
    #[error("database error ({})", error_kind(.0))]
    Database(#[source] sqlx::Error),
    /// No connection came free in time: the database is busy, try again shortly.
    #[error("the database is busy")]
    Busy,
    /// The writer task has ended (the service is stopping).
    #[error("the writer has stopped")]
    WriterStopped,
    /// The writer dropped the write without running it (its batch failed to start).
    #[error("the write was dropped before it ran")]
    WriteDropped,
    /// The batch the write was part of did not commit; nothing of it is stored.
    #[error("the write batch did not commit")]
    NotCommitted,
    /// A stored value this version cannot read (the column is named; never the value).
    #[error("unreadable stored value in {0}")]
    Unreadable(&'static str),
    /// A bug in the store's own bookkeeping (what did not add up is named).
    #[error("inconsistent store: {0}")]
    Inconsistent(&'static str),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut => Self::Busy,
            other => Self::Database(other),
        }
    }
}

impl StoreError {
    /// True when the write broke a unique constraint (an email address already taken).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Database(e) if is_unique_violation(e))
    }

    /// Logs the failure as an error, by its kind only (see the module's note).
    pub fn log(&self, what: &'static str) {
        match self {
            Self::Database(error) => {
                let db = error.as_database_error();
                tracing::error!(
                    kind = error_kind(error),
                    code = db.and_then(|e| e.code()).as_deref().unwrap_or("-"),
                    violation = db.map_or("-", |e| violation_kind(e.kind())),
                    constraint = db.and_then(|e| e.constraint()).unwrap_or("-"),
                    "{what}: database error"
                );
            }
            // Written by the store's code, never by the database.
            other => tracing::error!(error = %other, "{what}"),
        }
    }
}

/// True when `error` is a unique-constraint violation.
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|e| e.is_unique_violation())
}

/// What kind of failure `error` is, for logs (never its text, which may quote values).
pub(crate) fn error_kind(error: &sqlx::Error) -> &'static str {
    match error {
        sqlx::Error::Database(_) => "database",
        sqlx::Error::Io(_) => "io",
        sqlx::Error::Tls(_) => "tls",
        sqlx::Error::Protocol(_) => "protocol",
        sqlx::Error::Configuration(_) => "configuration",
        sqlx::Error::RowNotFound => "row not found",
        sqlx::Error::TypeNotFound { .. } => "type not found",
        sqlx::Error::ColumnIndexOutOfBounds { .. } => "column index out of bounds",
        sqlx::Error::ColumnNotFound(_) => "column not found",
        sqlx::Error::ColumnDecode { .. } => "column decode",
        sqlx::Error::Encode(_) => "encode",
        sqlx::Error::Decode(_) => "decode",
        sqlx::Error::AnyDriverError(_) => "driver",
        sqlx::Error::PoolTimedOut => "pool timed out",
        sqlx::Error::PoolClosed => "pool closed",
        sqlx::Error::WorkerCrashed => "worker crashed",
        sqlx::Error::Migrate(_) => "migrate",
        _ => "other",
    }
}

/// The kind of constraint a database error broke, in words (never its message).
fn violation_kind(kind: sqlx::error::ErrorKind) -> &'static str {
    match kind {
        sqlx::error::ErrorKind::UniqueViolation => "unique",
        sqlx::error::ErrorKind::ForeignKeyViolation => "foreign key",
        sqlx::error::ErrorKind::NotNullViolation => "not null",
        sqlx::error::ErrorKind::CheckViolation => "check",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn its_text_names_the_kind_never_the_database_words() {
        let quoted = sqlx::Error::Protocol("Key (email)=(blair.conroy@example.com) already exists".into());
        let error = StoreError::from(quoted);
        assert_eq!(error.to_string(), "database error (protocol)");
        assert!(!format!("{error:#}").contains("blair"));
    }

    #[test]
    fn a_pool_that_timed_out_is_busy() {
        assert!(matches!(StoreError::from(sqlx::Error::PoolTimedOut), StoreError::Busy));
    }
}
