//! How work reaches families: caseload-holding teams, booked visits, time that is not visits, and
//! absence. These are what make a shortfall show up as a gradual fall in compliance, team by team,
//! instead of a cliff: a district's hours are not pooled perfectly every day, a visit that finds no
//! one in needs another, administration grows with the caseload, and absence comes in spells and
//! seasons.

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
    /// Share of each team's hours each working day given to its reviews deadline-first, whatever
    /// their priority, before the rest follows `allocation`, in [0, 1]. Services protect their most
    /// urgent work, but not perfectly: booked review visits keep their slots, so less urgent reviews
    /// still get a share of the time when time is short. Default: 0 (the allocation policy alone).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub deadline_share: f64,
    /// Time that is not visits and grows with the work: administration, safeguarding, supervision.
    /// Default: none (all of `contact_share` goes to visits and contacts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overheads: Option<Overheads>,
    /// Leave, sickness, maternity leave and cover. Default: none (`contact_share` already allows
    /// for absence, evenly over the year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absence: Option<Absence>,
    /// Shorter visits under pressure: a team with more children per health-visitor WTE than
    /// `above` does its visits and contacts in less time (shorter visits, more of them in clinics
    /// or by phone), so it reaches more families, less thoroughly. Default: none (every visit takes
    /// its full hours whatever the caseload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shorter_visits: Option<ShorterVisits>,
    /// Fewer contacts under pressure: a team with more children per health-visitor WTE than
    /// `above` plans fewer of some levels' contacts (families seen less often), so the time goes to
    /// the reviews and the other levels. Default: none (every level's contacts are planned at its
    /// full rate whatever the caseload).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fewer_contacts: Option<FewerContacts>,
}

/// How visits shorten with the caseload. A team whose children per health-visitor WTE in post is
/// `c` > `above` gives each review visit and contact `max(floor, 1 - per_100 * (c - above) / 100)`
/// of its hours; a visit that finds no one in uses its share of the shorter visit. Supervision of
/// delegated reviews does not shorten, and the unmet hours of a missed review count its full hours.
/// With `overheads`, the time per child that is not visits shortens by the same share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShorterVisits {
    /// Children per health-visitor WTE in post from which visits shorten (>= 0).
    pub above: f64,
    /// Share of a visit's hours saved for every 100 children per WTE over `above`, in [0, 1].
    pub per_100: f64,
    /// The shortest a visit gets, as a share of its hours, in (0, 1].
    pub floor: f64,
    /// Whether the time per child that is not visits shortens too: each of `overheads.per_child`
    /// (records, safeguarding, multi-agency work) takes the same share of its hours, as a pressed
    /// team writes records up in its own time. Learners' and delegated reviews' supervision does
    /// not shorten. Default: false (only visits and contacts shorten).
    #[serde(default, skip_serializing_if = "super::is_false")]
    pub overheads: bool,
}

/// How planned contacts fall with the caseload. Each month a team whose children per
/// health-visitor WTE in post is `c` > `above` plans `max(floor, 1 - per_100 * (c - above) / 100)`
/// of the listed levels' contacts; contact coverage counts against the contacts planned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FewerContacts {
    /// Levels of need whose contacts are cut, by id (at least one, each once).
    pub levels: Vec<String>,
    /// Children per health-visitor WTE in post from which contacts are cut (>= 0).
    pub above: f64,
    /// Share of the contacts cut for every 100 children per WTE over `above`, in [0, 1].
    pub per_100: f64,
    /// The least share of the contacts planned, in [0, 1].
    pub floor: f64,
}

/// Caseload-holding teams. Children sit on a team's caseload; each team's staff cover its own
/// caseload first and lend a share of their spare time to the other teams of the district. Staff in
/// post at the start are spread at random, weighted by each team's gap below its share of the
/// establishment; later starters join the team furthest below its share of their role.
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
    /// Cross-cover before a team's own less urgent work: each team first serves its own work of
    /// this priority or more urgent (a lower number), then lends `cross_cover` of what it has left
    /// to the district's other teams' work of that priority, then serves the rest of its own work.
    /// Default: none (teams lend only what is left after all their own work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover_priority: Option<u32>,
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

/// Staff time that is not visits and contacts, and grows with the work: caseload administration,
/// safeguarding, supervision. It is taken off each team's hours before any visit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Overheads {
    /// Time per child on a team's caseload: caseload administration for every child, or
    /// safeguarding work (conferences, core groups, reports) for children at some levels. Each
    /// working day a team gives children x hours per month / working days of the month, from its
    /// roles in the order listed. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_child: Vec<ChildOverhead>,
    /// Supervision of trainees, apprentices and newly qualified staff in preceptorship, by the
    /// team they work in. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learners: Option<LearnerSupervision>,
    /// Supervision of reviews delegated to skill-mix staff: a review done by `role` needs
    /// `hours_per_review` of `supervisor` time from the same team that day, or it cannot be
    /// delegated. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delegation: Vec<Delegation>,
}

/// Time per child held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildOverhead {
    /// What the time is for, as a label in the docs (`"caseload administration"`).
    pub name: String,
    /// Levels of need whose children need it, by id; empty: every child. Default: every child.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    /// Hours per child per month (0 to 1,000).
    pub hours_per_child_per_month: f64,
    /// Roles that give it, in order of preference (at least one).
    pub roles: Vec<String>,
}

/// Supervision of learners.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LearnerSupervision {
    /// Hours per learner (trainee, apprentice or preceptee) per month (0 to 1,000).
    pub hours_per_learner_per_month: f64,
    /// Roles that give it, in order of preference (at least one).
    pub roles: Vec<String>,
}

/// Supervision of one role's delegated reviews.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delegation {
    /// The role whose reviews are supervised (each role at most once).
    pub role: String,
    /// The role that supervises them (another role).
    pub supervisor: String,
    /// Supervisor hours per review done (> 0, at most 1,000).
    pub hours_per_review: f64,
}

/// Time staff in post are away: annual leave with its seasons, sickness and maternity leave, and
/// bank or agency cover. With this section a role's `contact_share` is the share of the time staff
/// are at work, not counting these absences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Absence {
    /// Days of annual leave per WTE per year, bank holidays not included (0 to 60).
    pub annual_leave_days: f64,
    /// How annual leave falls over the year: twelve weights, January first (>= 0, not all 0).
    /// Default: equal weights.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leave_by_month: Vec<f64>,
    /// Share of working time lost to sickness, in [0, 0.5): each member of staff is off in spells
    /// of `sickness_spell_days` on average, so a small team can lose a large share of its time.
    pub sickness: f64,
    /// Mean length of a sickness spell in days (1 to 365).
    pub sickness_spell_days: f64,
    /// Share of staff in post on maternity or parental leave, in [0, 0.5): counted in post, not
    /// available, in spells of `maternity_spell_days`. Default: 0.
    #[serde(default)]
    pub maternity: f64,
    /// Mean length of a maternity spell in days (30 to 730). Default: 270.
    #[serde(default = "default_maternity_days")]
    pub maternity_spell_days: f64,
    /// Bank or agency cover for absent staff and vacant posts. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<Cover>,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

fn default_maternity_days() -> f64 {
    270.0
}

/// Bank or agency cover.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    /// Roles covered, by id (at least one).
    pub roles: Vec<String>,
    /// Share of the hours of a team's absent staff and vacant posts of those roles that cover
    /// fills each working day, in [0, 1].
    pub share: f64,
    /// Cost of an hour of cover worked, in pounds (>= 0); a contact hour costs this / the role's
    /// `contact_share`.
    pub cost_per_hour: f64,
}
