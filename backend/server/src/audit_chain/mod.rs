//! The audit log as a hash chain: every row carries the hash of the row before it
//! (`prev_hash`) and its own (`row_hash`), a SHA-256 over the row's fields and `prev_hash`.
//! Changing, removing or inserting a row anywhere breaks a link that [`verify`] finds, unless
//! every later hash is rewritten too (which the head printed by `audit verify`, kept
//! elsewhere, shows).
//!
//! A row's hash covers an unambiguous encoding of its fields, in a fixed order:
//!
//! ```text
//! "portal-audit-v1"  prev_hash (32 bytes)  id (i64, big-endian)  at (Unix ms, i64)
//! actor_user_id (opt i64)  subject_user_id (opt i64)  action (str)  object (opt str)
//! client_addr (opt str)
//! ```
//!
//! where an opt is one byte 0 (absent) or 1 followed by the value, and a str is its length
//! (u32, big-endian) followed by its UTF-8 bytes. The first row chains to [`GENESIS`].
//!
//! New rows take the ids after the chain's head (`audit_chain_head`), so the ids of a chain
//! follow one another; rows written before the chain keep theirs.

pub mod verify;

use std::fmt;

use ring::digest::{Context, SHA256};

/// A SHA-256 hash, stored as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainHash([u8; 32]);

/// What the first row chains to.
pub const GENESIS: ChainHash = ChainHash([0; 32]);

impl ChainHash {
    /// Parses the stored form (64 hex digits); `None` for anything else.
    pub fn from_hex(text: &str) -> Option<Self> {
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0_u8; 32];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(Self(bytes))
    }

    /// The stored form.
    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({self})")
    }
}

/// The fields of an audit row that its hash covers, besides its id and `prev_hash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    pub at_ms: i64,
    pub actor_user_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub action: &'a str,
    pub object: Option<&'a str>,
    pub client_addr: Option<&'a str>,
}

/// The hash of row `id` holding `entry`, chained to `prev`.
pub fn row_hash(id: i64, entry: &Entry<'_>, prev: &ChainHash) -> ChainHash {
    let mut hash = Context::new(&SHA256);
    hash.update(b"portal-audit-v1");
    hash.update(&prev.0);
    hash.update(&id.to_be_bytes());
    hash.update(&entry.at_ms.to_be_bytes());
    opt_i64(&mut hash, entry.actor_user_id);
    opt_i64(&mut hash, entry.subject_user_id);
    text(&mut hash, entry.action);
    opt_text(&mut hash, entry.object);
    opt_text(&mut hash, entry.client_addr);
    let mut out = [0_u8; 32];
    out.copy_from_slice(hash.finish().as_ref());
    ChainHash(out)
}

fn opt_i64(hash: &mut Context, value: Option<i64>) {
    match value {
        None => hash.update(&[0]),
        Some(v) => {
            hash.update(&[1]);
            hash.update(&v.to_be_bytes());
        }
    }
}

fn text(hash: &mut Context, value: &str) {
    // Audit fields are short; a longer one (never written) is cut to what the length can say,
    // which still hashes every byte it says.
    let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
    hash.update(&len.to_be_bytes());
    hash.update(&value.as_bytes()[..len as usize]);
}

fn opt_text(hash: &mut Context, value: Option<&str>) {
    match value {
        None => hash.update(&[0]),
        Some(v) => {
            hash.update(&[1]);
            text(hash, v);
        }
    }
}

/// The chain's last row: where the next row is linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    /// 0 before the first row.
    pub last_id: i64,
    pub last_hash: ChainHash,
}

/// Where a new row sits in the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub id: i64,
    pub prev_hash: ChainHash,
    pub row_hash: ChainHash,
}

impl ChainHead {
    /// The head of an empty chain.
    pub const EMPTY: Self = Self {
        last_id: 0,
        last_hash: GENESIS,
    };

    /// Links `entry` as the next row (id `last_id + 1`) and moves the head onto it.
    pub fn append(&mut self, entry: &Entry<'_>) -> Link {
        let id = self.last_id + 1;
        self.link(id, entry)
    }

    /// Links `entry` as the next row under an id of its own (a row written before the chain,
    /// joining it), which must be above `last_id`.
    pub fn link(&mut self, id: i64, entry: &Entry<'_>) -> Link {
        debug_assert!(id > self.last_id, "ids grow along the chain");
        let prev_hash = self.last_hash;
        let row_hash = row_hash(id, entry, &prev_hash);
        self.last_id = id;
        self.last_hash = row_hash;
        Link {
            id,
            prev_hash,
            row_hash,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str) -> Entry<'_> {
        Entry {
            at_ms: 1_700_000_000_000,
            actor_user_id: Some(3),
            subject_user_id: Some(3),
            action,
            object: Some("thread:7"),
            client_addr: Some("192.0.2.1"),
        }
    }

    #[test]
    fn the_hash_is_fixed_for_a_row_so_old_rows_keep_verifying() {
        // Computed apart from this code, from the encoding in the module's doc (Python's
        // hashlib). A change to the encoding must fail here, not in a practice's audit log.
        assert_eq!(
            row_hash(1, &entry("auth.sign_in"), &GENESIS).to_hex(),
            "9fe490d0a4d5df2a78a72c988bb47fba7bb321fc95e86e473d304bbcb6e9fb90"
        );
    }

    #[test]
    fn every_field_and_the_previous_hash_count() {
        let base = entry("auth.sign_in");
        let h = |id: i64, e: Entry<'_>, prev: ChainHash| row_hash(id, &e, &prev);
        let original = h(1, base, GENESIS);
        let other_prev = h(1, base, original);
        let variants = [
            h(2, base, GENESIS),
            h(
                1,
                Entry {
                    at_ms: base.at_ms + 1,
                    ..base
                },
                GENESIS,
            ),
            h(
                1,
                Entry {
                    actor_user_id: None,
                    ..base
                },
                GENESIS,
            ),
            h(
                1,
                Entry {
                    actor_user_id: Some(4),
                    ..base
                },
                GENESIS,
            ),
            h(
                1,
                Entry {
                    subject_user_id: None,
                    ..base
                },
                GENESIS,
            ),
            h(
                1,
                Entry {
                    action: "auth.sign_out",
                    ..base
                },
                GENESIS,
            ),
            h(1, Entry { object: None, ..base }, GENESIS),
            h(
                1,
                Entry {
                    object: Some(""),
                    ..base
                },
                GENESIS,
            ),
            h(
                1,
                Entry {
                    client_addr: None,
                    ..base
                },
                GENESIS,
            ),
            other_prev,
        ];
        for (i, v) in variants.iter().enumerate() {
            assert_ne!(*v, original, "variant {i}");
        }
    }

    #[test]
    fn fields_cannot_trade_bytes() {
        // Without lengths, "ab" + "c" and "a" + "bc" would hash alike.
        let one = Entry {
            action: "ab",
            object: Some("c"),
            ..entry("")
        };
        let two = Entry {
            action: "a",
            object: Some("bc"),
            ..entry("")
        };
        assert_ne!(row_hash(1, &one, &GENESIS), row_hash(1, &two, &GENESIS));
        // Nor absent against empty against an id that happens to look like text.
        let none = Entry {
            actor_user_id: None,
            subject_user_id: Some(0),
            ..entry("x")
        };
        let zero = Entry {
            actor_user_id: Some(0),
            subject_user_id: None,
            ..entry("x")
        };
        assert_ne!(row_hash(1, &none, &GENESIS), row_hash(1, &zero, &GENESIS));
    }

    #[test]
    fn appends_take_the_next_ids_and_link_to_the_row_before() {
        let mut head = ChainHead::EMPTY;
        let first = head.append(&entry("auth.sign_in"));
        let second = head.append(&entry("auth.sign_out"));
        assert_eq!((first.id, second.id), (1, 2));
        assert_eq!(first.prev_hash, GENESIS);
        assert_eq!(second.prev_hash, first.row_hash);
        assert_eq!(first.row_hash, row_hash(1, &entry("auth.sign_in"), &GENESIS));
        assert_eq!(
            head,
            ChainHead {
                last_id: 2,
                last_hash: second.row_hash
            }
        );
        let legacy = head.link(9, &entry("auth.sign_in"));
        assert_eq!((legacy.id, legacy.prev_hash, head.last_id), (9, second.row_hash, 9));
    }

    #[test]
    fn hashes_are_stored_as_64_hex_digits() {
        let h = row_hash(1, &entry("a"), &GENESIS);
        assert_eq!(ChainHash::from_hex(&h.to_hex()), Some(h));
        assert_eq!(GENESIS.to_hex(), "0".repeat(64));
        assert_eq!(ChainHash::from_hex("abc"), None);
        assert_eq!(ChainHash::from_hex(&"g".repeat(64)), None);
        assert_eq!(ChainHash::from_hex(&"é".repeat(32)), None);
    }
}
