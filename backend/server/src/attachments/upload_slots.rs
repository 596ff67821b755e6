//! Uploads being received at once, per person and for the whole service. An upload is held in
//! memory while its content is checked and cleaned (up to the attachment limit, and a copy or
//! two while it is rewritten and sealed), so the number in flight bounds the memory uploads
//! can take: a person, or many, sending files at once cannot exhaust the service.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Why an upload may not start now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// This person already has as many uploads in flight as they may.
    Person,
    /// The service is receiving as many uploads as it may.
    Service,
}

#[derive(Debug)]
pub struct UploadSlots {
    per_person: usize,
    per_service: usize,
    taken: Mutex<Taken>,
}

#[derive(Debug, Default)]
struct Taken {
    total: usize,
    by_person: HashMap<i64, usize>,
}

/// One upload in flight; its slot is given back when this is dropped, however the upload ends.
#[derive(Debug)]
pub struct UploadSlot {
    slots: Arc<UploadSlots>,
    person: i64,
}

impl UploadSlots {
    pub fn new(per_person: usize, per_service: usize) -> Self {
        Self {
            per_person,
            per_service,
            taken: Mutex::new(Taken::default()),
        }
    }

    /// Take a slot for one upload of `person`, or say why not.
    pub fn try_take(self: &Arc<Self>, person: i64) -> Result<UploadSlot, Busy> {
        let mut taken = self.taken.lock().unwrap_or_else(PoisonError::into_inner);
        let mine = taken.by_person.get(&person).copied().unwrap_or(0);
        if mine >= self.per_person {
            return Err(Busy::Person);
        }
        if taken.total >= self.per_service {
            return Err(Busy::Service);
        }
        taken.total += 1;
        *taken.by_person.entry(person).or_insert(0) += 1;
        Ok(UploadSlot {
            slots: Arc::clone(self),
            person,
        })
    }
}

impl Drop for UploadSlot {
    fn drop(&mut self) {
        let mut taken = self.slots.taken.lock().unwrap_or_else(PoisonError::into_inner);
        taken.total = taken.total.saturating_sub(1);
        if let Some(mine) = taken.by_person.get_mut(&self.person) {
            *mine -= 1;
            if *mine == 0 {
                taken.by_person.remove(&self.person);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_limited_per_person_and_for_the_service_and_given_back_on_drop() {
        let slots = Arc::new(UploadSlots::new(2, 3));
        let a1 = slots.try_take(1).unwrap();
        let _a2 = slots.try_take(1).unwrap();
        assert_eq!(slots.try_take(1).unwrap_err(), Busy::Person);
        let _b1 = slots.try_take(2).unwrap();
        assert_eq!(slots.try_take(3).unwrap_err(), Busy::Service);
        drop(a1);
        let _c1 = slots.try_take(3).expect("a slot was given back");
        assert_eq!(slots.try_take(1).unwrap_err(), Busy::Service);
    }
}
