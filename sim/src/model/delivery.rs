//! Typed delivery model: caseload-holding teams (units of a district) and booked review visits.

use crate::calendar::Day;
use crate::scenario::Joining;

use super::DistrictIx;

/// Index of a team across the whole service: district `d`'s teams are
/// `team_start[d]..team_start[d + 1]` of [`DeliveryModel`].
pub type UnitIx = usize;

/// Teams and booking. Without a `delivery` section every district is one team whose hours are
/// pooled, and every visit is done at the first attempt.
#[derive(Debug, Clone)]
pub struct DeliveryModel {
    /// First team of each district, and one past the last team of the last.
    pub team_start: Vec<UnitIx>,
    /// Share of a team's spare hours lent to the other teams of its district each day.
    pub cross_cover: f64,
    /// How a child joins a team.
    pub joining: Joining,
    /// Booked visits, if any.
    pub booking: Option<BookingModel>,
}

impl DeliveryModel {
    /// One team a district, no booking: the pooled district of a scenario without `delivery`.
    pub fn pooled(districts: usize) -> Self {
        DeliveryModel {
            team_start: (0..=districts).collect(),
            cross_cover: 0.0,
            joining: Joining::Establishment,
            booking: None,
        }
    }

    /// Teams across the service.
    pub fn units(&self) -> usize {
        self.team_start.last().copied().unwrap_or(0)
    }

    /// District `d`'s teams.
    pub fn teams(&self, d: usize) -> std::ops::Range<UnitIx> {
        self.team_start[d]..self.team_start[d + 1]
    }

    /// Number of district `d`'s teams.
    pub fn team_count(&self, d: usize) -> usize {
        self.team_start[d + 1] - self.team_start[d]
    }

    /// The district a team belongs to.
    pub fn district_of(&self, unit: UnitIx) -> DistrictIx {
        // team_start is sorted: the district is the last start at or before the unit.
        (self.team_start.partition_point(|&s| s <= unit) - 1) as DistrictIx
    }
}

/// Booked review visits.
#[derive(Debug, Clone)]
pub struct BookingModel {
    /// Share of attempts that find no one in, by review index.
    pub no_access: Vec<f64>,
    /// Share of a visit's hours a failed attempt uses.
    pub failed_visit_share: f64,
    /// Days from a failed attempt to the next.
    pub rebook_days: Day,
    /// Days from a window opening to the first bookable visit.
    pub lead_days: Day,
}
