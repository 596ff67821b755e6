//! A query whose WHERE clause depends on the caller, with `$N` placeholders numbered as
//! arguments are added (sqlx's `QueryBuilder` writes `?` for the `Any` driver, which
//! PostgreSQL does not accept).

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Encode, Type};

use super::db::Engine;
use super::error::StoreResult;

#[derive(Default)]
pub struct BoundQuery {
    text: String,
    args: AnyArguments<'static>,
    count: usize,
    error: Option<sqlx::error::BoxDynError>,
}

impl BoundQuery {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            ..Self::default()
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds an argument and answers its placeholder (`$3`), to be written into the text.
    pub fn arg<T>(&mut self, value: T) -> String
    where
        T: 'static + Send + Encode<'static, Any> + Type<Any>,
    {
        if let Err(e) = self.args.add(value) {
            self.error.get_or_insert(e);
        }
        self.count += 1;
        format!("${}", self.count)
    }

    /// The text and its arguments, for a statement with many arguments (the write batch's).
    ///
    /// On SQLite, `$1`, `$2`, … become anonymous `?` when each appears once and in order:
    /// sqlx asks SQLite for the name of every parameter, and SQLite finds a name by a linear
    /// scan, so n named parameters cost n² steps (a batch insert has hundreds of them).
    pub fn build_for(self, engine: Engine) -> StoreResult<(String, AnyArguments<'static>)> {
        let count = self.count;
        let (text, args) = self.build()?;
        let text = match engine {
            Engine::Sqlite => anonymous_placeholders(&text, count).unwrap_or(text),
            Engine::Postgres => text,
        };
        Ok((text, args))
    }

    /// The text and its arguments, for `sqlx::query_with`.
    pub fn build(self) -> StoreResult<(String, AnyArguments<'static>)> {
        match self.error {
            Some(e) => Err(sqlx::Error::Encode(e).into()),
            None => Ok((self.text, self.args)),
        }
    }
}

/// `text` with `$1` to `$count` written as `?`, if each appears exactly once and in order
/// (a `$` inside a quoted literal is left alone).
fn anonymous_placeholders(text: &str, count: usize) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut expected = 1_u64;
    let mut copied = 0;
    let mut quoted = false;
    let mut i = 0;
    while i < bytes.len() {
        // SQL writes a quote inside a literal as two, which toggles twice.
        if bytes[i] == b'\'' {
            quoted = !quoted;
        } else if bytes[i] == b'$' && !quoted {
            let start = i + 1;
            let mut end = start;
            while end < bytes.len() && bytes[end].is_ascii_digit() {
                end += 1;
            }
            if end > start {
                let n: u64 = text[start..end].parse().ok()?;
                if n != expected {
                    return None;
                }
                expected += 1;
                out.push_str(&text[copied..i]);
                out.push('?');
                copied = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if expected != count as u64 + 1 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = BoundQuery::new("SELECT 1 WHERE a = ");
        let a = sql.arg(1_i64);
        sql.push(&a).push(" AND b = ");
        let b = sql.arg("x".to_owned());
        sql.push(&b);
        let (text, _) = sql.build().expect("build");
        assert_eq!(text, "SELECT 1 WHERE a = $1 AND b = $2");
    }

    #[test]
    fn sqlite_gets_anonymous_placeholders_only_when_they_are_in_order_and_used_once() {
        let mut sql = BoundQuery::new("INSERT INTO t VALUES ");
        let (a, b) = (sql.arg(1_i64), sql.arg(2_i64));
        sql.push(&format!("({a}, {b}), ("));
        let c = sql.arg(3_i64);
        sql.push(&format!("{c}, 'x$1 ''$2''')"));
        let (text, _) = sql.build_for(Engine::Sqlite).expect("build");
        assert_eq!(text, "INSERT INTO t VALUES (?, ?), (?, 'x$1 ''$2''')");

        let mut reused = BoundQuery::new("SELECT 1 WHERE a = ");
        let a = reused.arg(1_i64);
        reused.push(&format!("{a} OR b = {a}"));
        let (text, _) = reused.build_for(Engine::Sqlite).expect("build");
        assert_eq!(text, "SELECT 1 WHERE a = $1 OR b = $1");

        assert_eq!(anonymous_placeholders("SELECT $2, $1", 2), None);
        assert_eq!(anonymous_placeholders("SELECT $1", 2), None, "an argument never used");
        assert_eq!(
            anonymous_placeholders("SELECT $1, $2", 2).as_deref(),
            Some("SELECT ?, ?")
        );
        assert_eq!(anonymous_placeholders("SELECT $10", 10), None);

        let mut pg = BoundQuery::new("SELECT ");
        let a = pg.arg(1_i64);
        pg.push(&a);
        assert_eq!(pg.build_for(Engine::Postgres).expect("build").0, "SELECT $1");
    }
}
