//! The metrics a run records: their names, their order, and how the city total of each is formed.
//!
//! Names are snake_case with an optional `:id` qualifier naming a need level, review or role
//! (`children:universal_plus`, `compliance:new_birth`, `wte:health_visitor`).

use crate::model::Model;
use crate::scenario::Reported;

/// What a metric's values are, for how they are shown, rounded and formatted wherever they are
/// read (the app, the workbook, exported CSVs), so one metric reads alike everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A share from 0 to 1 (compliance, coverage): shown as a percentage.
    Share,
    /// Pounds (spend, budget).
    Pounds,
    /// Children per health-visitor WTE.
    Caseload,
    /// Whole-time equivalents of staff (in post, establishment, vacancies, joiners, leavers).
    Wte,
    /// Hours of staff time.
    Hours,
    /// A count of children, reviews, contacts or people.
    Count,
}

impl Unit {
    /// The unit of `metric` (a metric name such as `compliance:new_birth`).
    pub fn of(metric: &str) -> Unit {
        let family = metric.split(':').next().unwrap_or(metric);
        match family {
            "compliance" | "contact_coverage" | "coverage" => Unit::Share,
            "spend" | "budget" => Unit::Pounds,
            "caseload_per_hv_wte" | "weighted_caseload_per_hv_wte" => Unit::Caseload,
            "hv_wte" | "wte" | "establishment" | "vacancies" | "starters" | "leavers" => Unit::Wte,
            f if f.contains("hours") => Unit::Hours,
            _ => Unit::Count,
        }
    }
}

/// How a metric's city total and its monthly value are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A count or sum over the month (births, hours): the city total is the sum of districts.
    Flow,
    /// A level at the end of the month (children, WTE): the city total is the sum of districts.
    Stock,
    /// A ratio of two other metrics, computed for districts and city alike after summing.
    Ratio {
        /// Numerator metric index.
        num: usize,
        /// Denominator metric index.
        den: usize,
    },
}

/// The metric list of one model, with the index of each family.
#[derive(Debug, Clone)]
pub struct Metrics {
    names: Vec<String>,
    kinds: Vec<Kind>,
    /// `births`: children born in the district in the month.
    pub births: usize,
    /// `arrivals`: children arriving from outside the city.
    pub arrivals: usize,
    /// `moved_in`: children moving in from another district.
    pub moved_in: usize,
    /// `moved_out`: children moving to another district.
    pub moved_out: usize,
    /// `left_city`: children leaving the city.
    pub left_city: usize,
    /// `aged_out`: children leaving the service at school entry or fifth birthday.
    pub aged_out: usize,
    /// `children_opening`: children on the caseload at the start of the month.
    pub children_opening: usize,
    /// `children`: children on the caseload at the end of the month.
    pub children: usize,
    /// `children:<level>`, one per level.
    pub children_by_level: usize,
    /// `hv_wte`: health-visitor WTE in post at the end of the month.
    pub hv_wte: usize,
    /// `wte:<role>`, one per role.
    pub wte_by_role: usize,
    /// `caseload_per_hv_wte` = children / hv_wte.
    pub caseload: usize,
    /// `spend`: pay of staff in post, trainees and apprentices, the volunteer programme and other
    /// costs, accrued day by day, in pounds.
    pub spend: usize,
    /// `budget`: the annual budget in force, accrued day by day, in pounds.
    pub budget: usize,
    /// `establishment:<role>`: funded WTE at the end of the month.
    pub establishment: usize,
    /// `vacancies:<role>`: funded WTE not filled at the end of the month (never negative).
    pub vacancies: usize,
    /// `starters:<role>`: WTE joining the role in the month (external recruits, qualifiers,
    /// entrants to a programme).
    pub starters: usize,
    /// `leavers:<role>`: WTE leaving the role in the month (attrition, retirement, dropping out).
    pub leavers: usize,
    /// `qualified:<role>`: people completing a programme into the role in the month.
    pub qualified: usize,
    /// `trainees_in_training`: trainees in a programme at the end of the month.
    pub trainees: usize,
    /// `apprentices`: apprentices in a programme at the end of the month.
    pub apprentices: usize,
    /// `volunteers`: active volunteers at the end of the month.
    pub volunteers: usize,
    /// `volunteer_hours`: hours active volunteers had to give in the month (they go only to
    /// universal support; `universal_support_hours` says how many were used).
    pub volunteer_hours: usize,
    /// `apprentice_hours`: contact hours apprentices had available in the month (productive share
    /// applied).
    pub apprentice_hours: usize,
    /// `universal_support_needed`: hours of universal support wanted in the month.
    pub universal_support_needed: usize,
    /// `universal_support_hours`: hours of universal support delivered in the month.
    pub universal_support_hours: usize,
    /// `mutual_aid_hours`: hours of other districts' spare time used in the district in the month.
    pub mutual_aid_hours: usize,
    /// `review_due:<review>`, one per review; likewise the next five families.
    pub review_due: usize,
    /// `review_on_time:<review>`.
    pub review_on_time: usize,
    /// `review_late:<review>`.
    pub review_late: usize,
    /// `review_missed:<review>`.
    pub review_missed: usize,
    /// `review_pending:<review>`.
    pub review_pending: usize,
    /// `compliance:<review>` = on time / due.
    pub compliance: usize,
    /// `contacts_needed:<level>`, one per level.
    pub contacts_needed: usize,
    /// `contacts_delivered:<level>`, one per level.
    pub contacts_delivered: usize,
    /// `contact_coverage:<level>` = contacts delivered / contacts needed.
    pub contact_coverage: usize,
    /// `hours_available`: staff hours available for contacts and reviews.
    pub hours_available: usize,
    /// `hours_used`: of those, hours spent on contacts and reviews.
    pub hours_used: usize,
    /// `unmet_hours`: hours of contacts not delivered in their month, and of reviews missed for
    /// want of staff time: past their last chance undone, or open past their on-time deadline when
    /// the child left (declined reviews excluded). Counted in the month the miss is found.
    pub unmet_hours: usize,
    /// With booked visits (`delivery.booking`) only: why reviews were missed, and visits that found
    /// no one in.
    pub booking: Option<BookingMetrics>,
    /// `overhead_hours` (with `delivery.overheads` taking time): staff hours given to time that is
    /// not visits (administration, safeguarding, supervision of learners).
    pub overhead_hours: Option<usize>,
    /// `absence_hours` (with `delivery.absence`): contact hours lost to annual leave, sickness and
    /// maternity leave.
    pub absence_hours: Option<usize>,
    /// `cover_hours` (with `delivery.absence.cover`): contact hours of bank or agency cover.
    pub cover_hours: Option<usize>,
    /// `weighted_children` (with `caseload_weight` on a level): children at month end, each
    /// counted with its level's weight; `weighted_caseload_per_hv_wte` follows it.
    pub weighted_children: Option<usize>,
    /// `contacts_cut:<level>` (with `delivery.fewer_contacts`), one per level: contacts left out of
    /// the month's plan under pressure, as an expected number (the full Poisson mean less the cut
    /// one); `contacts_needed` counts the contacts planned after the cut.
    pub contacts_cut: Option<usize>,
    /// By review: for reviews reported at their last chance or with a coverage metric, the first of
    /// `review_due_at_last_chance:<review>`, `review_on_time_at_last_chance:<review>` and
    /// `review_done_at_last_chance:<review>`, which count reviews in the month of their last chance.
    pub at_last_chance: Vec<Option<usize>>,
}

/// The metrics of booked visits, each a family with one metric per review.
#[derive(Debug, Clone, Copy)]
pub struct BookingMetrics {
    /// `review_declined:<review>`: reviews the family declined when offered, in the month of the
    /// on-time deadline (counted in `review_missed` too).
    pub declined: usize,
    /// `review_not_reached:<review>`: reviews missed because every booked visit found no one in and
    /// the last chance left no time for another, in the month of the on-time deadline (counted in
    /// `review_missed` too).
    pub not_reached: usize,
    /// `review_no_access:<review>`: booked visits that found no one in, in the month of the visit.
    pub no_access: usize,
}

impl Metrics {
    /// The metric list for `model`.
    pub fn new(model: &Model) -> Self {
        let mut b = Builder::default();
        let births = b.one("births", Kind::Flow);
        let arrivals = b.one("arrivals", Kind::Flow);
        let moved_in = b.one("moved_in", Kind::Flow);
        let moved_out = b.one("moved_out", Kind::Flow);
        let left_city = b.one("left_city", Kind::Flow);
        let aged_out = b.one("aged_out", Kind::Flow);
        let children_opening = b.one("children_opening", Kind::Stock);
        let children = b.one("children", Kind::Stock);
        let levels: Vec<&str> = model.levels.iter().map(|l| l.id.as_str()).collect();
        let reviews: Vec<&str> = model.reviews.iter().map(|r| r.id.as_str()).collect();
        let roles: Vec<&str> = model.roles.iter().map(|r| r.id.as_str()).collect();
        let children_by_level = b.family("children", &levels, Kind::Stock);
        let hv_wte = b.one("hv_wte", Kind::Stock);
        let wte_by_role = b.family("wte", &roles, Kind::Stock);
        let caseload = b.one(
            "caseload_per_hv_wte",
            Kind::Ratio {
                num: children,
                den: hv_wte,
            },
        );
        let spend = b.one("spend", Kind::Flow);
        let budget = b.one("budget", Kind::Flow);
        let establishment = b.family("establishment", &roles, Kind::Stock);
        let vacancies = b.family("vacancies", &roles, Kind::Stock);
        let starters = b.family("starters", &roles, Kind::Flow);
        let leavers = b.family("leavers", &roles, Kind::Flow);
        let qualified = b.family("qualified", &roles, Kind::Flow);
        let trainees = b.one("trainees_in_training", Kind::Stock);
        let apprentices = b.one("apprentices", Kind::Stock);
        let volunteers = b.one("volunteers", Kind::Stock);
        let volunteer_hours = b.one("volunteer_hours", Kind::Flow);
        let apprentice_hours = b.one("apprentice_hours", Kind::Flow);
        let universal_support_needed = b.one("universal_support_needed", Kind::Flow);
        let universal_support_hours = b.one("universal_support_hours", Kind::Flow);
        let mutual_aid_hours = b.one("mutual_aid_hours", Kind::Flow);
        let review_due = b.family("review_due", &reviews, Kind::Flow);
        let review_on_time = b.family("review_on_time", &reviews, Kind::Flow);
        let review_late = b.family("review_late", &reviews, Kind::Flow);
        let review_missed = b.family("review_missed", &reviews, Kind::Flow);
        let review_pending = b.family("review_pending", &reviews, Kind::Flow);
        let compliance = b.names.len();
        for (i, r) in reviews.iter().enumerate() {
            b.one(
                &format!("compliance:{r}"),
                Kind::Ratio {
                    num: review_on_time + i,
                    den: review_due + i,
                },
            );
        }
        let contacts_needed = b.family("contacts_needed", &levels, Kind::Flow);
        let contacts_delivered = b.family("contacts_delivered", &levels, Kind::Flow);
        let contact_coverage = b.names.len();
        for (i, l) in levels.iter().enumerate() {
            b.one(
                &format!("contact_coverage:{l}"),
                Kind::Ratio {
                    num: contacts_delivered + i,
                    den: contacts_needed + i,
                },
            );
        }
        let hours_available = b.one("hours_available", Kind::Flow);
        let hours_used = b.one("hours_used", Kind::Flow);
        let unmet_hours = b.one("unmet_hours", Kind::Flow);
        let booking = model.delivery.booking.as_ref().map(|_| BookingMetrics {
            declined: b.family("review_declined", &reviews, Kind::Flow),
            not_reached: b.family("review_not_reached", &reviews, Kind::Flow),
            no_access: b.family("review_no_access", &reviews, Kind::Flow),
        });
        let overhead_hours = model
            .delivery
            .overheads
            .takes_time()
            .then(|| b.one("overhead_hours", Kind::Flow));
        let absence = model.delivery.absence.as_ref();
        let absence_hours = absence.map(|_| b.one("absence_hours", Kind::Flow));
        let cover_hours = absence
            .and_then(|a| a.cover.as_ref())
            .map(|_| b.one("cover_hours", Kind::Flow));
        // Reviews counted at their last chance come after every other metric, so scenarios without
        // them keep their metric list; a review reported there takes its compliance from them.
        let at_last_chance: Vec<Option<usize>> = model
            .reviews
            .iter()
            .enumerate()
            .map(|(i, r)| {
                if !r.counted_at_last_chance() {
                    return None;
                }
                let id = &r.id;
                let due = b.one(&format!("review_due_at_last_chance:{id}"), Kind::Flow);
                let on_time = b.one(&format!("review_on_time_at_last_chance:{id}"), Kind::Flow);
                let done = b.one(&format!("review_done_at_last_chance:{id}"), Kind::Flow);
                if r.coverage.is_some() {
                    b.one(
                        &format!("coverage:{id}"),
                        Kind::Ratio {
                            num: done,
                            den: due,
                        },
                    );
                }
                if r.reported == Reported::LastChance {
                    b.kinds[compliance + i] = Kind::Ratio {
                        num: on_time,
                        den: due,
                    };
                }
                Some(due)
            })
            .collect();
        let weighted_children = model.weighted_caseload.then(|| {
            let weighted = b.one("weighted_children", Kind::Stock);
            b.one(
                "weighted_caseload_per_hv_wte",
                Kind::Ratio {
                    num: weighted,
                    den: hv_wte,
                },
            );
            weighted
        });
        let contacts_cut = model
            .delivery
            .fewer_contacts
            .as_ref()
            .map(|_| b.family("contacts_cut", &levels, Kind::Flow));
        Metrics {
            names: b.names,
            kinds: b.kinds,
            births,
            arrivals,
            moved_in,
            moved_out,
            left_city,
            aged_out,
            children_opening,
            children,
            children_by_level,
            hv_wte,
            wte_by_role,
            caseload,
            spend,
            budget,
            establishment,
            vacancies,
            starters,
            leavers,
            qualified,
            trainees,
            apprentices,
            volunteers,
            volunteer_hours,
            apprentice_hours,
            universal_support_needed,
            universal_support_hours,
            mutual_aid_hours,
            review_due,
            review_on_time,
            review_late,
            review_missed,
            review_pending,
            compliance,
            contacts_needed,
            contacts_delivered,
            contact_coverage,
            hours_available,
            hours_used,
            unmet_hours,
            booking,
            overhead_hours,
            absence_hours,
            cover_hours,
            weighted_children,
            contacts_cut,
            at_last_chance,
        }
    }

    /// Number of metrics.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no metrics (never, for a valid model).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Metric names in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// How metric `i` is formed.
    pub fn kind(&self, i: usize) -> Kind {
        self.kinds[i]
    }

    /// The index of the metric called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Whether metric `i` is a share, in [0, 1]: a ratio of a part to its whole (compliance,
    /// coverage), not one per health-visitor WTE (the caseloads).
    pub fn is_share(&self, i: usize) -> bool {
        matches!(self.kinds[i], Kind::Ratio { den, .. } if den != self.hv_wte)
    }
}

#[derive(Default)]
struct Builder {
    names: Vec<String>,
    kinds: Vec<Kind>,
}

impl Builder {
    fn one(&mut self, name: &str, kind: Kind) -> usize {
        self.names.push(name.to_string());
        self.kinds.push(kind);
        self.names.len() - 1
    }

    fn family(&mut self, stem: &str, ids: &[&str], kind: Kind) -> usize {
        let first = self.names.len();
        for id in ids {
            self.one(&format!("{stem}:{id}"), kind);
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_family_has_its_unit() {
        assert_eq!(Unit::of("compliance:new_birth"), Unit::Share);
        assert_eq!(Unit::of("coverage:new_birth"), Unit::Share);
        assert_eq!(Unit::of("contact_coverage:universal"), Unit::Share);
        assert_eq!(Unit::of("spend"), Unit::Pounds);
        assert_eq!(Unit::of("caseload_per_hv_wte"), Unit::Caseload);
        assert_eq!(Unit::of("vacancies:health_visitor"), Unit::Wte);
        assert_eq!(Unit::of("unmet_hours"), Unit::Hours);
        assert_eq!(Unit::of("absence_hours"), Unit::Hours);
        assert_eq!(Unit::of("children"), Unit::Count);
    }
}
