//! `portal-server audit verify`: walks the audit log's chain in id order, in one snapshot of
//! the database, and answers whether it is intact or where it first breaks
//! (`crate::audit_chain::verify` holds the rules).

use crate::audit_chain::verify::{Break, Intact, Verifier};
use crate::store::audit::ChainSnapshot;
use crate::store::Db;
use crate::store::StoreResult;

/// What a walk found.
#[derive(Debug)]
pub struct Report {
    pub chain: Result<Intact, Break>,
    /// The database's triggers refusing changes are all in place (someone who drops them can
    /// change rows; the chain still shows what they changed).
    pub guarded: bool,
}

pub async fn verify(db: &Db) -> StoreResult<Report> {
    let mut snapshot = ChainSnapshot::open(db).await?;
    let head = snapshot.head().await?;
    let guarded = snapshot.guarded(db.engine).await?;
    let mut verifier = Verifier::new(head);
    let mut after = i64::MIN;
    let chain = loop {
        let page = snapshot.rows_after(after).await?;
        let Some(last) = page.last() else {
            break verifier.finish();
        };
        after = last.id;
        if let Some(broken) = page.iter().find_map(|row| verifier.push(row).err()) {
            break Err(broken);
        }
    };
    snapshot.close().await?;
    Ok(Report { chain, guarded })
}
