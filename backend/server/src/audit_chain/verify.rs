//! Walking the chain: rows are given in id order, and the first place where the chain breaks
//! is told as a [`Break`]: a row changed (its fields no longer give its hash, or its hash was
//! rewritten and the next row still links to the original), rows removed (a row links to a
//! hash no row has; or the chain's head names rows after the last), or a row inserted (it
//! links to nothing, or the next row links past it, or it lies after the head).

use std::fmt;

use chrono::SecondsFormat;

use super::{row_hash, ChainHash, ChainHead, Entry, GENESIS};

/// An audit row as stored (hashes as text, absent or malformed ones included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRow {
    pub id: i64,
    pub at_ms: i64,
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub action: String,
    pub object: Option<String>,
    pub client_addr: Option<String>,
    pub prev_hash: Option<String>,
    pub row_hash: Option<String>,
}

impl StoredRow {
    /// The fields its hash covers.
    pub fn entry(&self) -> Entry<'_> {
        Entry {
            at_ms: self.at_ms,
            actor_user_id: self.actor_user_id,
            subject_user_id: self.subject_user_id,
            action: &self.action,
            object: self.object.as_deref(),
            client_addr: self.client_addr.as_deref(),
        }
    }

    /// Its two hashes, when its fields and `prev_hash` give its `row_hash`.
    fn sealed(&self) -> Option<(ChainHash, ChainHash)> {
        let prev = ChainHash::from_hex(self.prev_hash.as_deref()?)?;
        let own = ChainHash::from_hex(self.row_hash.as_deref()?)?;
        (row_hash(self.id, &self.entry(), &prev) == own).then_some((prev, own))
    }
}

/// A row the walk accepted (or holds while it decides).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    id: i64,
    at_ms: i64,
    prev_hash: ChainHash,
    row_hash: ChainHash,
}

/// A row named in a [`Break`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef {
    pub id: i64,
    pub at_ms: i64,
}

impl RowRef {
    fn of(seen: &Seen) -> Self {
        Self {
            id: seen.id,
            at_ms: seen.at_ms,
        }
    }
}

impl fmt::Display for RowRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = chrono::DateTime::from_timestamp_millis(self.at_ms)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
            .unwrap_or_else(|| format!("{} ms", self.at_ms));
        write!(f, "row {} ({at})", self.id)
    }
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// The row's fields (or its hashes) are not what was written.
    Changed { row: RowRef },
    /// The row's fields and hash were both rewritten: the next row links to the original.
    Rewritten { row: RowRef },
    /// Rows before `row` are gone: it links to a row that is not there (`after` is the row
    /// before the gap, `None` when the gap is at the start).
    Removed { row: RowRef, after: Option<i64> },
    /// The row is not part of the chain.
    Inserted { row: RowRef },
    /// The rows after `after` (`None`: every row) are gone; the chain's head is at `head_id`.
    RemovedAtEnd { after: Option<RowRef>, head_id: i64 },
    /// The last row is not the one the chain's head names.
    HeadMismatch { row: RowRef },
    /// The chain's head (`audit_chain_head`) is missing, unreadable, or names no row.
    NoHead,
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Changed { row } => write!(f, "audit log broken at {row}: the row was changed after it was written"),
            Self::Rewritten { row } => write!(
                f,
                "audit log broken at {row}: the row was changed after it was written \
                 (its hash was recomputed; the next row still links to the original)"
            ),
            Self::Removed {
                row,
                after: Some(after),
            } => write!(
                f,
                "audit log broken at {row}: the row(s) between row {after} and this one were removed"
            ),
            Self::Removed { row, after: None } => {
                write!(f, "audit log broken at {row}: the row(s) before this one were removed")
            }
            Self::Inserted { row } => write!(
                f,
                "audit log broken at {row}: the row was inserted (it is not part of the chain)"
            ),
            Self::RemovedAtEnd {
                after: Some(row),
                head_id,
            } => write!(
                f,
                "audit log broken after {row}: the rows after it were removed (the chain goes on to row {head_id})"
            ),
            Self::RemovedAtEnd { after: None, head_id } => write!(
                f,
                "audit log broken: every row was removed (the chain goes on to row {head_id})"
            ),
            Self::HeadMismatch { row } => write!(
                f,
                "audit log broken at {row}: the row was changed after it was written \
                 (the chain's head holds another hash for it)"
            ),
            Self::NoHead => write!(
                f,
                "audit log broken: the chain's head (audit_chain_head) was removed or changed"
            ),
        }
    }
}

/// An intact chain: how many rows, and its last row and hash (to keep elsewhere: while the
/// chain verifies and that row still has that hash, nothing up to it was rewritten).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intact {
    pub rows: u64,
    pub head: ChainHead,
}

impl fmt::Display for Intact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "audit log intact: {} rows", self.rows)?;
        if self.rows > 0 {
            write!(
                f,
                "\nlast row {}, hash {} (keep it elsewhere to find a rewrite of the whole chain)",
                self.head.last_id, self.head.last_hash
            )?;
        }
        Ok(())
    }
}

/// Walks rows pushed in id order against the chain's head (read in the same snapshot).
#[derive(Debug)]
pub struct Verifier {
    head: Option<ChainHead>,
    /// The last row accepted.
    last: Option<Seen>,
    /// A row whose link is broken, kept until the next row tells whether it was inserted.
    suspect: Option<Seen>,
    rows: u64,
}

impl Verifier {
    /// `head`: the chain's head as stored (`None` when its row is missing).
    pub fn new(head: Option<ChainHead>) -> Self {
        Self {
            head,
            last: None,
            suspect: None,
            rows: 0,
        }
    }

    /// What the next row must link to.
    fn expected(&self) -> ChainHash {
        self.last.map_or(GENESIS, |l| l.row_hash)
    }

    /// The next row in id order; `Err` at the first break.
    pub fn push(&mut self, row: &StoredRow) -> Result<(), Break> {
        let Some(head) = self.head else {
            return Err(Break::NoHead);
        };
        let sealed = row.sealed();
        if let Some(suspect) = self.suspect.take() {
            // The row after a broken link: linking past the suspect shows it was inserted.
            return Err(match sealed {
                Some((prev, _)) if prev == self.expected() => Break::Inserted {
                    row: RowRef::of(&suspect),
                },
                _ => self.without_lookahead(&suspect),
            });
        }
        let here = RowRef {
            id: row.id,
            at_ms: row.at_ms,
        };
        if row.id > head.last_id {
            return Err(Break::Inserted { row: here });
        }
        let Some((prev_hash, row_hash)) = sealed else {
            return Err(Break::Changed { row: here });
        };
        let seen = Seen {
            id: row.id,
            at_ms: row.at_ms,
            prev_hash,
            row_hash,
        };
        if prev_hash == self.expected() {
            self.last = Some(seen);
            self.rows += 1;
            return Ok(());
        }
        if let Some(last) = self.last {
            if prev_hash == last.prev_hash {
                // Two rows link to the same one: the first of them took the second's place.
                return Err(Break::Inserted { row: RowRef::of(&last) });
            }
        }
        self.suspect = Some(seen);
        Ok(())
    }

    /// A broken link at `suspect` that the next row does not explain.
    fn without_lookahead(&self, suspect: &Seen) -> Break {
        match self.last {
            // No id is missing: the row before was rewritten, hash and all.
            Some(last) if suspect.id == last.id + 1 => Break::Rewritten { row: RowRef::of(&last) },
            last => Break::Removed {
                row: RowRef::of(suspect),
                after: last.map(|l| l.id),
            },
        }
    }

    /// After the last row: the walk's answer.
    pub fn finish(self) -> Result<Intact, Break> {
        let Some(head) = self.head else {
            return Err(Break::NoHead);
        };
        if let Some(suspect) = &self.suspect {
            return Err(self.without_lookahead(suspect));
        }
        let reached = self.last.map_or(ChainHead::EMPTY, |l| ChainHead {
            last_id: l.id,
            last_hash: l.row_hash,
        });
        if head.last_id > reached.last_id {
            return Err(Break::RemovedAtEnd {
                after: self.last.as_ref().map(RowRef::of),
                head_id: head.last_id,
            });
        }
        if head.last_hash != reached.last_hash {
            return Err(match &self.last {
                Some(last) => Break::HeadMismatch { row: RowRef::of(last) },
                None => Break::NoHead,
            });
        }
        Ok(Intact {
            rows: self.rows,
            head: reached,
        })
    }
}

/// Walks `rows` (in id order) against `head`.
pub fn verify<'a>(head: Option<ChainHead>, rows: impl IntoIterator<Item = &'a StoredRow>) -> Result<Intact, Break> {
    let mut verifier = Verifier::new(head);
    for row in rows {
        verifier.push(row)?;
    }
    verifier.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A chain of `n` rows as the service writes it, and its head.
    fn chain(n: i64) -> (Vec<StoredRow>, ChainHead) {
        let mut head = ChainHead::EMPTY;
        let rows = (0..n)
            .map(|i| {
                let mut row = StoredRow {
                    id: 0,
                    at_ms: 1_700_000_000_000 + i * 1000,
                    actor_user_id: Some(i % 3),
                    subject_user_id: (i % 2 == 0).then_some(7),
                    action: format!("action.{i}"),
                    object: Some(format!("thread:{i}")),
                    client_addr: Some("192.0.2.1".into()),
                    prev_hash: None,
                    row_hash: None,
                };
                let link = head.append(&row.entry());
                row.id = link.id;
                row.prev_hash = Some(link.prev_hash.to_hex());
                row.row_hash = Some(link.row_hash.to_hex());
                row
            })
            .collect();
        (rows, head)
    }

    fn at(rows: &[StoredRow], id: i64) -> RowRef {
        let row = rows.iter().find(|r| r.id == id).expect("row");
        RowRef { id, at_ms: row.at_ms }
    }

    /// Rewrites `row`'s hash to fit its fields, as an attacker who knows the rule would.
    fn reseal(row: &mut StoredRow) {
        let prev = ChainHash::from_hex(row.prev_hash.as_deref().unwrap()).unwrap();
        row.row_hash = Some(row_hash(row.id, &row.entry(), &prev).to_hex());
    }

    #[test]
    fn an_untouched_chain_is_intact() {
        let (rows, head) = chain(6);
        assert_eq!(verify(Some(head), &rows), Ok(Intact { rows: 6, head }));
        assert_eq!(
            verify(Some(ChainHead::EMPTY), &[]),
            Ok(Intact {
                rows: 0,
                head: ChainHead::EMPTY
            })
        );
    }

    #[test]
    fn a_changed_field_is_found_at_its_row() {
        let (rows, head) = chain(6);
        let edits: [fn(&mut StoredRow); 6] = [
            |r| r.action = "auth.sign_out".into(),
            |r| r.at_ms += 1,
            |r| r.actor_user_id = None,
            |r| r.subject_user_id = Some(99),
            |r| r.object = None,
            |r| r.client_addr = Some("203.0.113.9".into()),
        ];
        for edit in edits {
            let mut rows = rows.clone();
            edit(&mut rows[2]);
            assert_eq!(verify(Some(head), &rows), Err(Break::Changed { row: at(&rows, 3) }));
        }
        for hashes in [
            |r: &mut StoredRow| r.row_hash = None,
            |r: &mut StoredRow| r.prev_hash = Some("nonsense".into()),
        ] {
            let mut rows = rows.clone();
            hashes(&mut rows[4]);
            assert_eq!(verify(Some(head), &rows), Err(Break::Changed { row: at(&rows, 5) }));
        }
    }

    #[test]
    fn a_row_rewritten_with_its_hash_is_found_by_the_next_link() {
        let (mut rows, head) = chain(6);
        rows[2].action = "auth.sign_out".into();
        reseal(&mut rows[2]);
        assert_eq!(verify(Some(head), &rows), Err(Break::Rewritten { row: at(&rows, 3) }));
        // The last row: only the head remembers its hash.
        let (mut rows, head) = chain(6);
        rows[5].at_ms += 1;
        reseal(&mut rows[5]);
        assert_eq!(
            verify(Some(head), &rows),
            Err(Break::HeadMismatch { row: at(&rows, 6) })
        );
    }

    #[test]
    fn a_removed_row_is_found_at_the_row_after_it() {
        let (rows, head) = chain(6);
        for gone in [0, 2, 3] {
            let mut left = rows.clone();
            left.remove(gone);
            let after = (gone > 0).then(|| rows[gone - 1].id);
            assert_eq!(
                verify(Some(head), &left),
                Err(Break::Removed {
                    row: at(&rows, rows[gone + 1].id),
                    after
                }),
                "row {} removed",
                gone + 1
            );
        }
        let mut left = rows.clone();
        left.drain(1..4);
        assert_eq!(
            verify(Some(head), &left),
            Err(Break::Removed {
                row: at(&rows, 5),
                after: Some(1)
            })
        );
    }

    #[test]
    fn removed_rows_at_the_end_are_found_by_the_head() {
        let (rows, head) = chain(6);
        assert_eq!(
            verify(Some(head), &rows[..4]),
            Err(Break::RemovedAtEnd {
                after: Some(at(&rows, 4)),
                head_id: 6
            })
        );
        assert_eq!(
            verify(Some(head), &[]),
            Err(Break::RemovedAtEnd {
                after: None,
                head_id: 6
            })
        );
        assert_eq!(verify(None, &rows), Err(Break::NoHead));
        assert_eq!(verify(None, &[]), Err(Break::NoHead));
    }

    #[test]
    fn an_inserted_row_is_found_wherever_it_is_put() {
        let (rows, head) = chain(6);
        // After the head: a copy of a row under the next id.
        let mut more = rows.clone();
        let mut copy = rows[2].clone();
        copy.id = 7;
        more.push(copy.clone());
        assert_eq!(verify(Some(head), &more), Err(Break::Inserted { row: at(&more, 7) }));
        // Even sealed to look like the next link: the head does not know it.
        let mut sealed = copy;
        sealed.prev_hash = Some(head.last_hash.to_hex());
        reseal(&mut sealed);
        more.pop();
        more.push(sealed);
        assert_eq!(verify(Some(head), &more), Err(Break::Inserted { row: at(&more, 7) }));

        // Between two rows (an id left free, as rows chained before this version may have),
        // linked to nothing: the next row links past it.
        let mut gap = rows.clone();
        for row in &mut gap[3..] {
            row.id += 10;
        }
        let (mut gap, gap_head) = relink(gap);
        let mut stray = gap[1].clone();
        stray.id = gap[2].id + 1;
        stray.prev_hash = Some("1".repeat(64));
        reseal(&mut stray);
        gap.insert(3, stray.clone());
        assert_eq!(
            verify(Some(gap_head), &gap),
            Err(Break::Inserted {
                row: at(&gap, stray.id)
            })
        );
        // Or linked to the row before it, sealed: the next row then shares its link.
        let mut linked = stray;
        linked.prev_hash = gap[2].row_hash.clone();
        reseal(&mut linked);
        gap[3] = linked.clone();
        assert_eq!(
            verify(Some(gap_head), &gap),
            Err(Break::Inserted {
                row: at(&gap, linked.id)
            })
        );
    }

    /// The chain of `rows` under their (possibly sparse) ids, as chained when written.
    fn relink(mut rows: Vec<StoredRow>) -> (Vec<StoredRow>, ChainHead) {
        let mut head = ChainHead::EMPTY;
        for row in &mut rows {
            let link = head.link(row.id, &row.entry());
            row.prev_hash = Some(link.prev_hash.to_hex());
            row.row_hash = Some(link.row_hash.to_hex());
        }
        (rows, head)
    }

    #[test]
    fn rows_chained_under_sparse_ids_verify() {
        let (mut sparse, _) = chain(4);
        sparse[2].id = 10;
        sparse[3].id = 11;
        let (sparse, head2) = relink(sparse);
        assert_eq!(head2.last_id, 11);
        assert_eq!(verify(Some(head2), &sparse).map(|i| i.rows), Ok(4));
    }

    #[test]
    fn breaks_are_told_with_the_row_and_its_time() {
        let row = RowRef {
            id: 7,
            at_ms: 1_700_000_000_123,
        };
        assert_eq!(
            Break::Changed { row }.to_string(),
            "audit log broken at row 7 (2023-11-14T22:13:20.123Z): the row was changed after it was written"
        );
        assert!(Break::Removed { row, after: Some(5) }
            .to_string()
            .contains("between row 5 and this one were removed"));
        assert!(Break::Inserted { row }
            .to_string()
            .contains("row 7 (2023-11-14T22:13:20.123Z): the row was inserted"));
        assert!(Break::RemovedAtEnd {
            after: Some(row),
            head_id: 9
        }
        .to_string()
        .starts_with("audit log broken after row 7 (2023-11-14T22:13:20.123Z): the rows after it were removed"));
        let (_, head) = chain(2);
        let intact = Intact { rows: 2, head }.to_string();
        assert!(
            intact.starts_with("audit log intact: 2 rows\nlast row 2, hash "),
            "{intact}"
        );
        assert_eq!(
            Intact {
                rows: 0,
                head: ChainHead::EMPTY
            }
            .to_string(),
            "audit log intact: 0 rows"
        );
    }
}
