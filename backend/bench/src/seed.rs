//! Bulk seeding straight into the database (the API would take hours through Argon2 and one
//! request per message): patients, their policy acceptance, threads with alternating patient
//! and care-team messages, and one session per benchmark connection.

use chrono::Utc;
use portal_server::auth::token;
use portal_server::state::AppState;
use portal_server::store::Db;
use sqlx::Row;

/// Threads of each patient whose session the benchmark uses (the inbox lists 50).
const HEAVY_THREADS: usize = 60;
/// Rows per multi-row INSERT.
const BATCH: usize = 400;

const BODY: &str = "Thank you for the quick answer. The spot on my left forearm has not changed in size since \
    last week, but it itches in the evening and the edge looks a little redder after a shower. I have been using \
    the cream twice a day as you suggested. Should I keep the appointment on Thursday or come in earlier?";

pub struct Fixture {
    pub db: Db,
    pub patients: usize,
    pub threads: usize,
    pub messages: usize,
    /// One bearer token per connection, each a patient with `HEAVY_THREADS` threads …
    pub tokens: Vec<String>,
    /// … and one thread of theirs to reply in.
    pub reply_threads: Vec<i64>,
}

pub async fn seed(state: &AppState, patients: usize, messages: usize, sessions: usize) -> anyhow::Result<Fixture> {
    let db = state.db.clone();
    let now = Utc::now().timestamp_millis();
    portal_server::demo::seed(&db, &state.hasher, &state.text_sealer, Utc::now()).await?;
    let clinician: i64 = sqlx::query_scalar("SELECT id FROM users WHERE role = 'physician' ORDER BY id LIMIT 1")
        .fetch_one(&db.pool)
        .await?;

    let ids = seed_patients(&db, "bench.patient", patients).await?;

    // Threads: the benchmark's patients have HEAVY_THREADS each, the others share the rest.
    let heavy = sessions.min(ids.len());
    let light_threads_each = 4;
    let thread_count = heavy * HEAVY_THREADS + (ids.len() - heavy) * light_threads_each;
    let mut plan: Vec<(i64, usize)> = Vec::with_capacity(thread_count); // (patient, messages)
    let base = messages / thread_count.max(1);
    let extra = messages % thread_count.max(1);
    for (i, patient) in ids.iter().enumerate() {
        let n = if i < heavy { HEAVY_THREADS } else { light_threads_each };
        for _ in 0..n {
            let k = plan.len();
            plan.push((*patient, base + usize::from(k < extra)));
        }
    }
    let categories = [
        "medical_question",
        "prescription_renewal",
        "appointment",
        "billing",
        "other",
    ];
    let pools = ["clinical", "clinical", "front_desk", "billing", "front_desk"];
    let mut thread_ids: Vec<(i64, i64, usize)> = Vec::with_capacity(plan.len()); // (thread, patient, messages)
    for chunk in plan.chunks(BATCH) {
        let mut tx = db.pool.begin().await?;
        let mut values = Vec::with_capacity(chunk.len());
        for (j, (patient, count)) in chunk.iter().enumerate() {
            let c = (thread_ids.len() + j) % categories.len();
            let last = now - ((thread_ids.len() + j) as i64 * 60_000);
            let unread_patient = i64::from(count % 2 == 0);
            // Every other message is the patient's (the first one too); the team read them all.
            let from_patient = count.div_ceil(2);
            values.push(format!(
                "({patient}, '{}', '{}', 'Question about my skin {}', 'open', 0, NULL, {patient}, {}, {last}, {count}, {unread_patient}, {from_patient}, {from_patient})",
                categories[c],
                pools[c],
                thread_ids.len() + j,
                last - 86_400_000
            ));
        }
        let rows = sqlx::query(&format!(
            "INSERT INTO threads (patient_id, category, pool, subject, status, urgent, assigned_to, created_by, \
             created_at, last_message_at, message_count, unread_by_patient, patient_messages, team_read_baseline) \
             VALUES {} RETURNING id",
            values.join(",")
        ))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut returned: Vec<i64> = rows.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
        returned.sort_unstable();
        for (id, (patient, count)) in returned.into_iter().zip(chunk) {
            thread_ids.push((id, *patient, *count));
        }
    }

    // Messages, alternating patient and care team, all read but a team message last.
    let mut pending: Vec<String> = Vec::with_capacity(BATCH);
    let mut written = 0;
    for (thread, patient, count) in &thread_ids {
        for m in 0..*count {
            let from_patient = m % 2 == 0;
            let author = if from_patient { *patient } else { clinician };
            let at = now - ((count - m) as i64 * 3_600_000);
            let read = if m + 1 == *count && !from_patient {
                "NULL".to_string()
            } else {
                (at + 60_000).to_string()
            };
            pending.push(format!(
                "({thread}, {author}, {}, '{BODY}', {at}, {read})",
                i64::from(from_patient)
            ));
            if pending.len() == BATCH {
                flush_messages(&db, &mut pending).await?;
                // Written in the clear above for speed; sealed at rest as the service stores them.
                portal_server::store::unsealed_text::seal_all(&db, &state.text_sealer).await?;
            }
            written += 1;
        }
    }
    flush_messages(&db, &mut pending).await?;

    // One session per connection, each a heavy patient.
    let mut tokens = Vec::with_capacity(heavy);
    let mut reply_threads = Vec::with_capacity(heavy);
    for (i, patient) in ids.iter().take(heavy).enumerate() {
        tokens.push(open_session(&db, *patient).await?);
        reply_threads.push(thread_ids[i * HEAVY_THREADS].0);
    }
    analyze(&db).await?;
    Ok(Fixture {
        db,
        patients: ids.len(),
        threads: thread_ids.len(),
        messages: written,
        tokens,
        reply_threads,
    })
}

/// `count` patients (e-mail `{prefix}{n}@example.com`) who accepted the current policy, each in
/// the care of the practice's first physician; their ids, in order.
pub async fn seed_patients(db: &Db, prefix: &str, count: usize) -> anyhow::Result<Vec<i64>> {
    let now = Utc::now().timestamp_millis();
    let policy: i64 = sqlx::query_scalar("SELECT MAX(version) FROM policy_versions")
        .fetch_one(&db.pool)
        .await?;
    let clinician: i64 = sqlx::query_scalar("SELECT id FROM users WHERE role = 'physician' ORDER BY id LIMIT 1")
        .fetch_one(&db.pool)
        .await?;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE role = 'patient' LIMIT 1")
        .fetch_one(&db.pool)
        .await?;
    let mut ids = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(BATCH) {
        let values: Vec<String> = chunk
            .iter()
            .map(|n| format!("('{prefix}{n}@example.com', 'Patient {n}', 'patient', '{hash}', {now})"))
            .collect();
        let rows = sqlx::query(&format!(
            "INSERT INTO users (email, name, role, password_hash, created_at) VALUES {} RETURNING id",
            values.join(",")
        ))
        .fetch_all(&db.pool)
        .await?;
        let mut returned: Vec<i64> = rows.iter().map(|r| r.try_get("id")).collect::<Result<_, _>>()?;
        returned.sort_unstable();
        ids.extend(returned);
    }
    anyhow::ensure!(ids.len() == count, "patients were not created");
    for chunk in ids.chunks(BATCH) {
        let values: Vec<String> = chunk
            .iter()
            .map(|id| format!("({id}, {policy}, {now}, '127.0.0.1')"))
            .collect();
        sqlx::query(&format!(
            "INSERT INTO policy_acceptances (user_id, version, accepted_at, client_addr) VALUES {}",
            values.join(",")
        ))
        .execute(&db.pool)
        .await?;
        let values: Vec<String> = chunk.iter().map(|id| format!("({id}, {clinician}, {now})")).collect();
        sqlx::query(&format!(
            "INSERT INTO care_relationships (patient_id, clinician_id, created_at) VALUES {}",
            values.join(",")
        ))
        .execute(&db.pool)
        .await?;
    }
    Ok(ids)
}

/// A session of 12 hours for `user_id`; its bearer token.
pub async fn open_session(db: &Db, user_id: i64) -> anyhow::Result<String> {
    let token = token::generate().map_err(|_| anyhow::anyhow!("no random"))?;
    let now = Utc::now().timestamp_millis();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, client_addr) \
         VALUES ($1, $2, $3, $3, $4, '127.0.0.1')",
    )
    .bind(token::hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now + 12 * 3_600_000)
    .execute(&db.pool)
    .await?;
    Ok(token)
}

/// Fresh planner statistics after bulk seeding.
pub async fn analyze(db: &Db) -> anyhow::Result<()> {
    if db.engine == portal_server::store::Engine::Sqlite {
        sqlx::query("PRAGMA optimize").execute(&db.pool).await?;
    } else {
        sqlx::query("ANALYZE").execute(&db.pool).await?;
    }
    Ok(())
}

async fn flush_messages(db: &Db, pending: &mut Vec<String>) -> anyhow::Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO messages (thread_id, author_id, from_patient, body, created_at, read_at) VALUES {}",
        pending.join(",")
    ))
    .execute(&db.pool)
    .await?;
    pending.clear();
    Ok(())
}

pub async fn count_messages(fixture: &Fixture) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&fixture.db.pool)
        .await?)
}
