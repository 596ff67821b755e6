//! Where this version of the API lives.

/// Path prefix of every route of this version of the API.
pub const API_PREFIX: &str = "/api/v1";
