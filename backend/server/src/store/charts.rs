//! Patients' charts: a bundle stored as one transaction, the chart's resources read back and
//! opened, a chart found by any of its ids, and linked to a portal account.
//!
//! Each resource's JSON is sealed bound to its row's id, so a resource's row id is reserved
//! before it is written; a changed resource keeps its row and is sealed again.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{AnyConnection, Row};

use super::bound_query::BoundQuery;
use super::db::{from_millis, to_millis, Db, Engine};
use super::error::{is_unique_violation, StoreError, StoreResult};
use super::row_ids::{reserve_ids, IdTable};
use crate::domain::records::patient_search::{search_name, SearchKey};
use crate::domain::records::{ChartBundle, ChartResource};
use crate::sealed_text::{Field, TextSealer};

/// Rows per INSERT (13 arguments each, far below either engine's limit).
const ROWS_PER_INSERT: usize = 200;

/// What an import did to the chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOutcome {
    pub chart_id: i64,
    /// The chart did not exist before.
    pub new_chart: bool,
    /// Resources the chart did not hold.
    pub stored: usize,
    /// Resources the chart held with the same content.
    pub unchanged: usize,
    /// Resources the chart held with other content, now replaced.
    pub replaced: usize,
}

/// A chart as stored (its clear fields).
#[derive(Clone, PartialEq, Eq)]
pub struct ChartRow {
    pub id: i64,
    pub patient_fhir_id: String,
    pub mrn: Option<String>,
    pub birth_date: Option<String>,
    /// The patient's name as the record shows it (see `domain::records::bundle::patient_name`).
    pub name: Option<String>,
    pub user_id: Option<i64>,
    /// When an import or a link last changed the chart (ms since the epoch): its version.
    pub updated_at: i64,
}

impl std::fmt::Debug for ChartRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChartRow")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .finish_non_exhaustive()
    }
}

/// A resource of a chart, opened.
#[derive(Clone)]
pub struct StoredResource {
    pub id: i64,
    pub resource_type: String,
    pub fhir_id: String,
    pub content_hash: String,
    pub json: String,
    pub shown: bool,
    pub code_system: Option<String>,
    pub code: Option<String>,
    pub effective_at: Option<DateTime<Utc>>,
    pub status: Option<String>,
}

impl std::fmt::Debug for StoredResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredResource")
            .field("id", &self.id)
            .field("resource_type", &self.resource_type)
            .field("fhir_id", &self.fhir_id)
            .finish_non_exhaustive()
    }
}

/// Why a chart was not linked.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("the chart is already linked to another account")]
    ChartTaken,
    #[error("the account is already linked to another chart")]
    AccountTaken,
    #[error("there is no such chart")]
    NoChart,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Stores `bundle` as its patient's chart, in one transaction: a resource the chart does not
/// hold is added, one it holds with the same content is left alone, one with other content is
/// replaced. Resources the chart holds that the bundle does not name are kept.
pub async fn import(
    db: &Db,
    sealer: &TextSealer,
    bundle: &ChartBundle,
    now: DateTime<Utc>,
) -> StoreResult<ImportOutcome> {
    let mut tx = match db.engine {
        Engine::Sqlite => db.pool.begin_with("BEGIN IMMEDIATE").await?,
        Engine::Postgres => db.pool.begin().await?,
    };
    let outcome = import_in(&mut tx, db.engine, sealer, bundle, now).await?;
    tx.commit().await?;
    Ok(outcome)
}

async fn import_in(
    conn: &mut AnyConnection,
    engine: Engine,
    sealer: &TextSealer,
    bundle: &ChartBundle,
    now: DateTime<Utc>,
) -> StoreResult<ImportOutcome> {
    let patient = &bundle.patient;
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM charts WHERE patient_fhir_id = $1")
        .bind(&patient.fhir_id)
        .fetch_optional(&mut *conn)
        .await?;
    let (chart_id, new_chart) = match existing {
        Some(id) => {
            // `updated_at` is the chart's version (`records::chart_cache`): every import moves it
            // forward, even within one millisecond of the last.
            sqlx::query(
                "UPDATE charts SET mrn = $1, birth_date = $2, name = $3, search_name = $4, \
                 updated_at = CASE WHEN updated_at < $5 THEN $5 ELSE updated_at + 1 END WHERE id = $6",
            )
            .bind(patient.mrn.clone())
            .bind(patient.birth_date.clone())
            .bind(patient.name.clone())
            .bind(patient.name.as_deref().map(search_name).unwrap_or_default())
            .bind(to_millis(now))
            .bind(id)
            .execute(&mut *conn)
            .await?;
            (id, false)
        }
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO charts (patient_fhir_id, mrn, birth_date, name, search_name, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
            )
            .bind(&patient.fhir_id)
            .bind(patient.mrn.clone())
            .bind(patient.birth_date.clone())
            .bind(patient.name.clone())
            .bind(patient.name.as_deref().map(search_name).unwrap_or_default())
            .bind(to_millis(now))
            .fetch_one(&mut *conn)
            .await?;
            (id, true)
        }
    };

    let held: HashMap<(String, String), (i64, String)> = if new_chart {
        HashMap::new()
    } else {
        sqlx::query("SELECT id, resource_type, fhir_id, content_hash FROM chart_resources WHERE chart_id = $1")
            .bind(chart_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| {
                Ok((
                    (row.try_get("resource_type")?, row.try_get("fhir_id")?),
                    (row.try_get("id")?, row.try_get("content_hash")?),
                ))
            })
            .collect::<Result<_, sqlx::Error>>()?
    };

    let mut added = Vec::new();
    let mut replaced = Vec::new();
    let mut unchanged = 0;
    for resource in &bundle.resources {
        match held.get(&(resource.resource_type.clone(), resource.fhir_id.clone())) {
            None => added.push(resource),
            Some((_, hash)) if *hash == resource.content_hash => unchanged += 1,
            Some((id, _)) => replaced.push((*id, resource)),
        }
    }

    let ids = reserve_ids(conn, engine, IdTable::ChartResources, added.len()).await?;
    let rows: Vec<(i64, &ChartResource)> = ids.into_iter().zip(added.iter().copied()).collect();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        insert(conn, engine, sealer, chart_id, chunk, now).await?;
    }
    for (id, resource) in &replaced {
        sqlx::query(
            "UPDATE chart_resources SET content_hash = $1, content = $2, shown = $3, code_system = $4, code = $5, \
             effective_at = $6, status = $7, imported_at = $8 WHERE id = $9",
        )
        .bind(resource.content_hash.clone())
        .bind(seal(sealer, *id, &resource.json)?)
        .bind(i64::from(resource.shown))
        .bind(resource.lookup.code_system.clone())
        .bind(resource.lookup.code.clone())
        .bind(resource.lookup.effective_at.map(to_millis))
        .bind(resource.lookup.status.clone())
        .bind(to_millis(now))
        .bind(*id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(ImportOutcome {
        chart_id,
        new_chart,
        stored: added.len(),
        unchanged,
        replaced: replaced.len(),
    })
}

async fn insert(
    conn: &mut AnyConnection,
    engine: Engine,
    sealer: &TextSealer,
    chart_id: i64,
    rows: &[(i64, &ChartResource)],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let overriding = match engine {
        // Ids are given here (reserved); PostgreSQL's identity columns must be told.
        Engine::Postgres => " OVERRIDING SYSTEM VALUE",
        Engine::Sqlite => "",
    };
    let mut sql = BoundQuery::new(&format!(
        "INSERT INTO chart_resources (id, chart_id, resource_type, fhir_id, content_hash, content, shown, \
         code_system, code, effective_at, status, imported_at){overriding} VALUES "
    ));
    for (n, (id, resource)) in rows.iter().enumerate() {
        let values = [
            sql.arg(*id),
            sql.arg(chart_id),
            sql.arg(resource.resource_type.clone()),
            sql.arg(resource.fhir_id.clone()),
            sql.arg(resource.content_hash.clone()),
            sql.arg(seal(sealer, *id, &resource.json)?),
            sql.arg(i64::from(resource.shown)),
            sql.arg(resource.lookup.code_system.clone()),
            sql.arg(resource.lookup.code.clone()),
            sql.arg(resource.lookup.effective_at.map(to_millis)),
            sql.arg(resource.lookup.status.clone()),
            sql.arg(to_millis(now)),
        ];
        sql.push(if n == 0 { "" } else { ", " });
        sql.push(&format!("({})", values.join(", ")));
    }
    let (text, args) = sql.build_for(engine)?;
    sqlx::query_with(&text, args).execute(&mut *conn).await?;
    Ok(())
}

fn seal(sealer: &TextSealer, row_id: i64, json: &str) -> StoreResult<String> {
    sealer
        .seal(Field::ChartResource, row_id, json)
        .map_err(|_| StoreError::Inconsistent("a chart resource could not be sealed"))
}

const CHART_COLUMNS: &str = "id, patient_fhir_id, mrn, birth_date, name, user_id, updated_at";

fn chart_from_row(row: &sqlx::any::AnyRow) -> StoreResult<ChartRow> {
    Ok(ChartRow {
        id: row.try_get("id")?,
        patient_fhir_id: row.try_get("patient_fhir_id")?,
        mrn: row.try_get("mrn")?,
        birth_date: row.try_get("birth_date")?,
        name: row.try_get("name")?,
        user_id: row.try_get("user_id")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// The charts `key` names: as a chart id, a Patient's FHIR id or an MRN (several when
/// different charts answer to it in different ways).
pub async fn find(db: &Db, key: &str) -> StoreResult<Vec<ChartRow>> {
    let as_id = key.parse::<i64>().unwrap_or(-1);
    let sql =
        format!("SELECT {CHART_COLUMNS} FROM charts WHERE id = $1 OR patient_fhir_id = $2 OR mrn = $2 ORDER BY id");
    let rows = sqlx::query(&sql).bind(as_id).bind(key).fetch_all(&db.pool).await?;
    rows.iter().map(chart_from_row).collect()
}

pub async fn by_id(db: &Db, id: i64) -> StoreResult<Option<ChartRow>> {
    let sql = format!("SELECT {CHART_COLUMNS} FROM charts WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(&db.pool).await?;
    row.as_ref().map(chart_from_row).transpose()
}

/// The chart linked to the account `user_id`, if any.
pub async fn linked_to(db: &Db, user_id: i64) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM charts WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Links chart `chart_id` to the account `user_id` (again: nothing changes).
pub async fn link(db: &Db, chart_id: i64, user_id: i64, now: DateTime<Utc>) -> Result<(), LinkError> {
    let result = sqlx::query(
        "UPDATE charts SET user_id = $1, updated_at = $2 WHERE id = $3 AND (user_id IS NULL OR user_id = $1)",
    )
    .bind(user_id)
    .bind(to_millis(now))
    .bind(chart_id)
    .execute(&db.pool)
    .await;
    match result {
        Ok(done) if done.rows_affected() == 1 => Ok(()),
        Ok(_) => Err(match by_id(db, chart_id).await? {
            Some(_) => LinkError::ChartTaken,
            None => LinkError::NoChart,
        }),
        Err(e) if is_unique_violation(&e) => Err(LinkError::AccountTaken),
        Err(e) => Err(StoreError::from(e).into()),
    }
}

/// The charts `key` finds, by name (then id), at most `limit`.
pub async fn search(db: &Db, key: &SearchKey, limit: u32) -> StoreResult<Vec<ChartRow>> {
    let mut sql = BoundQuery::new(&format!("SELECT {CHART_COLUMNS} FROM charts WHERE "));
    match key {
        SearchKey::BirthDate(date) => {
            let date = sql.arg(date.format("%Y-%m-%d").to_string());
            sql.push(&format!("birth_date = {date}"));
        }
        SearchKey::NameOrMrn { words, mrn } => {
            let mrn = sql.arg(mrn.clone());
            let mut name = Vec::new();
            for word in words {
                let pattern = sql.arg(format!("%{}%", like_escaped(word)));
                name.push(format!("search_name LIKE {pattern} ESCAPE '\\'"));
            }
            match name.is_empty() {
                true => sql.push(&format!("mrn = {mrn}")),
                false => sql.push(&format!("(({}) OR mrn = {mrn})", name.join(" AND "))),
            };
        }
    }
    let limit = sql.arg(i64::from(limit));
    sql.push(&format!(" ORDER BY COALESCE(search_name, ''), id LIMIT {limit}"));
    let (text, args) = sql.build()?;
    let rows = sqlx::query_with(&text, args).fetch_all(&db.pool).await?;
    rows.iter().map(chart_from_row).collect()
}

/// `text` matched literally by LIKE (with `ESCAPE '\'`).
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Charts imported before they kept their patient's name (migration 8): up to `limit` of
/// them after `after`, each with its Patient resource, opened.
pub async fn unnamed(db: &Db, sealer: &TextSealer, after: i64, limit: i64) -> StoreResult<Vec<(i64, String)>> {
    let rows = sqlx::query(
        "SELECT c.id AS chart_id, r.id AS resource_id, r.content FROM charts c \
         JOIN chart_resources r ON r.chart_id = c.id AND r.resource_type = 'Patient' AND r.fhir_id = c.patient_fhir_id \
         WHERE c.search_name IS NULL AND c.id > $1 ORDER BY c.id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get("resource_id")?;
            let sealed: String = row.try_get("content")?;
            let json = sealer
                .open(Field::ChartResource, id, &sealed)
                .map_err(|_| StoreError::Unreadable("chart_resources.content"))?;
            Ok((row.try_get("chart_id")?, json))
        })
        .collect()
}

/// Sets the name chart `chart_id` is shown and found by (`None`: it has none; it is then
/// found by birth date and MRN only, and its `search_name` is empty, not missing).
pub async fn set_name(db: &Db, chart_id: i64, name: Option<&str>) -> StoreResult<()> {
    sqlx::query("UPDATE charts SET name = $1, search_name = $2 WHERE id = $3")
        .bind(name.map(str::to_owned))
        .bind(name.map(search_name).unwrap_or_default())
        .bind(chart_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

const RESOURCE_COLUMNS: &str =
    "id, resource_type, fhir_id, content_hash, content, shown, code_system, code, effective_at, status";

/// Every resource of chart `chart_id`, opened, in the order they were first stored.
pub async fn resources(db: &Db, sealer: &TextSealer, chart_id: i64) -> StoreResult<Vec<StoredResource>> {
    let sql = format!("SELECT {RESOURCE_COLUMNS} FROM chart_resources WHERE chart_id = $1 ORDER BY id");
    let rows = sqlx::query(&sql).bind(chart_id).fetch_all(&db.pool).await?;
    rows.iter().map(|row| opened(sealer, row)).collect()
}

/// A row of [`RESOURCE_COLUMNS`], its content opened.
fn opened(sealer: &TextSealer, row: &sqlx::any::AnyRow) -> StoreResult<StoredResource> {
    let id: i64 = row.try_get("id")?;
    let sealed: String = row.try_get("content")?;
    Ok(StoredResource {
        id,
        resource_type: row.try_get("resource_type")?,
        fhir_id: row.try_get("fhir_id")?,
        content_hash: row.try_get("content_hash")?,
        json: sealer
            .open(Field::ChartResource, id, &sealed)
            .map_err(|_| StoreError::Unreadable("chart_resources.content"))?,
        shown: row.try_get::<i64, _>("shown")? == 1,
        code_system: row.try_get("code_system")?,
        code: row.try_get("code")?,
        effective_at: row.try_get::<Option<i64>, _>("effective_at")?.map(from_millis),
        status: row.try_get("status")?,
    })
}

/// The patient of `chart` by the name the portal knows them by everywhere (on their messages,
/// in the switcher, in "access has ended", in a grant's mail): their account's, or the chart's
/// if it has none.
pub async fn patient_name(db: &Db, chart: &ChartRow) -> StoreResult<String> {
    let account = match chart.user_id {
        Some(id) => super::users::find_by_id(db, id).await?,
        None => None,
    };
    Ok(account
        .map(|user| user.name)
        .or_else(|| chart.name.clone())
        .unwrap_or_default())
}
