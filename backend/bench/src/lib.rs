//! The benchmarks' shared parts: seeding a practice straight into the database ([`seed`],
//! [`records_seed`]), the HTTPS load ([`load`]) and the CPU it cost ([`cpu`]).

pub mod cpu;
pub mod load;
pub mod records_seed;
pub mod seed;
