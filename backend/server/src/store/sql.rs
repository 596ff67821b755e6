//! A query whose WHERE clause depends on the caller, with `$N` placeholders numbered as
//! arguments are added (sqlx's `QueryBuilder` writes `?` for the `Any` driver, which
//! PostgreSQL does not accept).

use sqlx::any::AnyArguments;
use sqlx::{Any, Arguments, Encode, Type};

#[derive(Default)]
pub struct Sql {
    text: String,
    args: AnyArguments<'static>,
    count: usize,
    error: Option<sqlx::error::BoxDynError>,
}

impl Sql {
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

    /// The text and its arguments, for `sqlx::query_with`.
    pub fn build(self) -> Result<(String, AnyArguments<'static>), sqlx::Error> {
        match self.error {
            Some(e) => Err(sqlx::Error::Encode(e)),
            None => Ok((self.text, self.args)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = Sql::new("SELECT 1 WHERE a = ");
        let a = sql.arg(1_i64);
        sql.push(&a).push(" AND b = ");
        let b = sql.arg("x".to_owned());
        sql.push(&b);
        let (text, _) = sql.build().expect("build");
        assert_eq!(text, "SELECT 1 WHERE a = $1 AND b = $2");
    }
}
