//! Charts imported before the service kept their patient's name in the clear (migration 8)
//! get it when the service starts: their sealed Patient resource is opened and its name
//! written beside the MRN and birth date, so the care team's search finds them. Once done, a
//! start finds nothing to do (one indexed query). Charts imported since get it at import.

use serde_json::Value;

use crate::domain::records::bundle::patient_name;
use crate::sealed_text::TextSealer;
use crate::store::charts;
use crate::store::{Db, StoreResult};

/// Charts named per round.
const PAGE: i64 = 200;

/// Names every chart that has no name yet; answers how many were named.
pub async fn fill_missing(db: &Db, sealer: &TextSealer) -> StoreResult<usize> {
    let mut named = 0;
    let mut after = 0;
    loop {
        let page = charts::unnamed(db, sealer, after, PAGE).await?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        for (chart_id, json) in &page {
            let name = serde_json::from_str::<Value>(json).ok().and_then(|p| patient_name(&p));
            charts::set_name(db, *chart_id, name.as_deref()).await?;
            named += 1;
        }
    }
    Ok(named)
}
