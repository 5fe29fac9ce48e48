//! How work reaches families: caseload-holding teams and booked visits. These are what make a
//! shortfall show up as a gradual fall in compliance, team by team, instead of a cliff: a district's
//! hours are not pooled perfectly every day, and a visit that finds no one in needs another.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How work reaches families. Every part is optional; a scenario without this section pools each
/// district's hours every day and finds every family in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    /// Caseload-holding teams inside each district. Default: one team a district (its hours pooled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams: Option<Teams>,
    /// Review visits booked ahead, some finding no one in. Default: every visit is done at the
    /// first attempt, on any day of its window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<Booking>,
}

/// Caseload-holding teams. Children sit on a team's caseload; each team's staff cover its own
/// caseload first and lend a share of their spare time to the other teams of the district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Teams {
    /// Teams in each district (1 to 16). A district's establishment is split equally between its
    /// teams.
    pub per_district: u32,
    /// Districts with another number of teams: teams by district id (1 to 16 each). Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_district: BTreeMap<String, u32>,
    /// Share of a team's hours left at the end of a day's own work that goes to the other teams of
    /// its district, the most pressured (most children per health-visitor WTE) first, in [0, 1]. 0:
    /// teams never cover for each other; 1: the district's spare time is pooled after each team's
    /// own caseload.
    pub cross_cover: f64,
    /// Which team a child joins at birth, on arrival, or on moving into the district. Default:
    /// `Establishment`.
    #[serde(default)]
    pub joining: Joining,
}

/// The rule by which a child joins a team.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Joining {
    /// A team drawn at random in proportion to its share of the district's establishment (equal
    /// shares): caseloads follow the funded posts, not the staff actually in post.
    #[default]
    Establishment,
    /// The team with the fewest children per health-visitor WTE in post (ties to the first): a
    /// service that balances caseloads as staff come and go.
    Lightest,
}

/// Review visits booked ahead within their window. A booked visit may find no one in (no access,
/// was not brought, cancelled at the door); it still takes part of the visit's time, and another
/// visit is booked if the window's last chance allows, else the review is missed (not reached,
/// which is counted apart from families who declined).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Booking {
    /// Share of attempted visits that find no one in, in [0, 1).
    pub no_access: f64,
    /// Another share for some reviews: by review id, each in [0, 1). Default: none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub no_access_by_review: BTreeMap<String, f64>,
    /// Share of a visit's hours that an attempt finding no one in still uses (travel, waiting,
    /// rebooking), in [0, 1].
    pub failed_visit_share: f64,
    /// Days from an attempt that found no one in to the next booked attempt (1 to 90).
    pub rebook_days: u32,
    /// Days from a window opening to the first visit that can be booked (0 to 90), the diary's lead
    /// time; never later than the on-time deadline. Default: 0.
    #[serde(default)]
    pub lead_days: u32,
}
