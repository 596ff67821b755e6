//! Thread changes committed by any instance on the same PostgreSQL database, told to this
//! instance's list cache (`super::list_cache`) through PostgreSQL's LISTEN/NOTIFY.
//!
//! Why: with several instances on one database, a change committed by another instance never
//! passes through this one's writer. Each writer announces the patients whose threads changed
//! with `pg_notify` inside its transaction, which PostgreSQL delivers only if and when the
//! transaction commits; every instance listens and drops the lists those changes could touch.
//!
//! What it promises: a list answered by this instance is never older than a change this
//! instance committed (its own writer drops the lists before answering), and no more than the
//! notification's delivery time (milliseconds) older than a change another instance committed.
//! While the listening connection is down the cache answers nothing: it is emptied when the
//! connection is lost and turned back on only once the channel is listened to again, since
//! notifications sent meanwhile are lost.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::AnyConnection;

use super::db::DatabaseUrl;
use super::error::error_kind;
use super::error::StoreResult;
use super::list_cache::ListCache;

/// The channel every instance of this portal listens to.
const CHANNEL: &str = "portal_thread_changes";
/// What a notification carries when it names no patient: drop every list.
const EVERYTHING: &str = "*";
/// Longest payload sent (PostgreSQL refuses 8,000 bytes and more); past it, [`EVERYTHING`].
const MAX_PAYLOAD: usize = 7_000;
/// Wait before listening again after the connection was lost, doubled after each failure to
/// listen, up to [`MAX_RETRY`].
const RETRY: Duration = Duration::from_secs(1);
const MAX_RETRY: Duration = Duration::from_secs(30);

/// Announces, in the open transaction on `conn`, that these patients' threads changed.
pub async fn announce(conn: &mut AnyConnection, patients: &[i64]) -> StoreResult<()> {
    if patients.is_empty() {
        return Ok(());
    }
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload(patients))
        .execute(conn)
        .await?;
    Ok(())
}

/// Listens for the changes of every instance until the runtime stops, keeping `lists` on
/// only while listening.
pub fn listen(database_url: DatabaseUrl, lists: Arc<ListCache>) {
    tokio::spawn(async move {
        let mut retry = RETRY;
        loop {
            match subscribe(database_url.expose()).await {
                Ok(mut listener) => {
                    retry = RETRY;
                    lists.set_live(true);
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(notification)) => apply(&lists, notification.payload()),
                            // Lost: notifications sent from now on would be missed.
                            Ok(None) => break,
                            Err(error) => {
                                tracing::warn!(kind = %error_kind(&error), "list change listener failed");
                                break;
                            }
                        }
                    }
                    lists.set_live(false);
                }
                Err(error) => {
                    tracing::warn!(error = %error, "cannot listen for list changes");
                    retry = (retry * 2).min(MAX_RETRY);
                }
            }
            tokio::time::sleep(retry).await;
        }
    });
}

async fn subscribe(database_url: &str) -> StoreResult<PgListener> {
    let mut listener = PgListener::connect(database_url).await?;
    // Tell of a lost connection at once (the cache goes off), not after reconnecting.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

fn payload(patients: &[i64]) -> String {
    let mut ids: Vec<i64> = patients.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let text = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    if text.len() > MAX_PAYLOAD {
        EVERYTHING.to_owned()
    } else {
        text
    }
}

fn apply(lists: &ListCache, payload: &str) {
    let ids: Option<Vec<i64>> = payload.split(',').map(|id| id.parse().ok()).collect();
    match ids {
        Some(ids) => lists.changed(&ids),
        // Everything (`*` is no id), or a payload this version cannot read: drop every list.
        None => lists.forget_everything(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::Viewer;
    use crate::store::list_cache::RenderedList;

    #[test]
    fn payloads_name_each_patient_once_or_everything() {
        assert_eq!(payload(&[7, 3, 7]), "3,7");
        let many: Vec<i64> = (1_000_000..1_002_000).collect();
        assert_eq!(payload(&many), EVERYTHING);
    }

    #[test]
    fn a_notification_drops_the_lists_it_names_and_an_unreadable_one_drops_all() {
        let lists = ListCache::new(Some(Duration::from_secs(60)), true);
        let (ann, ben) = (Viewer::Patient(3), Viewer::Patient(8));
        let rendered = |n| {
            let list = portal_api::ThreadList {
                threads: Vec::new(),
                unread_total: n,
                next_cursor: None,
            };
            Arc::new(RenderedList::render(&list).expect("render"))
        };
        let put = |viewer, key: &str| lists.put(viewer, key.into(), lists.version(viewer), &rendered(1));
        put(ann, "a");
        put(ben, "b");
        apply(&lists, "3");
        assert!(lists.get(ann, "a").is_none());
        assert!(lists.get(ben, "b").is_some());
        apply(&lists, "not a list");
        assert!(lists.get(ben, "b").is_none());
        put(ben, "b");
        apply(&lists, EVERYTHING);
        assert!(lists.get(ben, "b").is_none());
    }
}
