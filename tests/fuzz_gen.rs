//! Random scenarios for the fuzzer and the property tests: structurally valid `Scenario` values
//! covering every section, small enough to simulate in milliseconds, and mostly semantically
//! valid too, so that validation, the model and the engine all get exercised. `Edgy` mode swaps
//! some values for extremes (0, -1, huge, NaN, unknown ids) so the checks themselves are fuzzed.

use std::collections::BTreeMap;

use caseload::scenario::{
    AgeBand, AgeShare, AllocationPolicy, Anchor, Calendar, District, LeaveAt, Migration, NeedLevel,
    Offset, Population, Recruitment, Release, Reported, Review, Role, Scenario, UniversalSupport,
    Weekday, WorkloadLeaving,
};

/// A small, fast, seedable generator (SplitMix64): each fuzz case owns one, seeded from its number,
/// so any case can be replayed alone.
#[derive(Debug, Clone)]
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Self {
        Gen(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A number in `lo..=hi`.
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number in [lo, hi), rounded to 3 decimals so the RON text stays short.
    pub fn real(&mut self, lo: f64, hi: f64) -> f64 {
        ((lo + self.unit() * (hi - lo)) * 1000.0).round() / 1000.0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A random subset of `items`, in order; with `nonempty`, at least one.
    pub fn subset<T: Clone>(&mut self, items: &[T], nonempty: bool) -> Vec<T> {
        let mut out: Vec<T> = items.iter().filter(|_| self.chance(0.5)).cloned().collect();
        if nonempty && out.is_empty() && !items.is_empty() {
            out.push(self.pick(items).clone());
        }
        out
    }

    /// Shares over a non-empty subset of `keys` that sum to 1 (within rounding).
    pub fn shares(&mut self, keys: &[String]) -> BTreeMap<String, f64> {
        let chosen = self.subset(keys, true);
        let weights: Vec<f64> = chosen.iter().map(|_| 0.1 + self.unit()).collect();
        let total: f64 = weights.iter().sum();
        let mut out: BTreeMap<String, f64> = chosen
            .iter()
            .zip(&weights)
            .map(|(k, w)| (k.clone(), w / total))
            .collect();
        // Make the sum exact: the last share takes the rest.
        let rest = 1.0 - out.values().take(out.len() - 1).sum::<f64>();
        if let Some(last) = out.values_mut().last() {
            *last = rest.max(0.0);
        }
        out
    }
}

/// Values that break assumptions: zero, negatives, huge, tiny, not finite.
pub const EXTREME_F64: [f64; 14] = [
    0.0,
    -0.0,
    -1.0,
    1.0,
    1e308,
    -1e308,
    f64::MAX,
    f64::MIN_POSITIVE,
    5e-324,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    1e16,
    0.999_999_999_999,
];

/// Whole numbers that break assumptions: zero, one, the edges of 31- and 32-bit integers.
pub const EXTREME_U32: [u32; 8] = [
    0,
    1,
    2,
    i32::MAX as u32,
    i32::MAX as u32 + 1,
    u32::MAX - 1,
    u32::MAX,
    1_000_000,
];

/// Strings that break assumptions: empty, odd characters, long, not identifiers.
const ODD_TEXT: [&str; 10] = [
    "",
    " ",
    "\"",
    "\\",
    "a\nb",
    "Ünïcödé ✓ 👶",
    "ALL",
    "x\u{0}y",
    "r#\"",
    "Upper_Case",
];

/// Random dates (`YYYY-MM-DD`) and ISO look-alikes.
const ODD_DATES: [&str; 8] = [
    "",
    "2024-02-30",
    "2024-13-01",
    "0000-01-01",
    "9999-12-31",
    "-2024-01-01",
    "2024-1-1",
    "2024-01-01T00:00",
];

/// How a generated scenario treats its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Only values validation accepts.
    Valid,
    /// Mostly valid values, some swapped for extremes.
    Edgy,
}

/// Builds one random scenario.
pub(crate) struct Builder<'a> {
    pub(crate) g: &'a mut Gen,
    pub(crate) mode: Mode,
    pub(crate) start: (i64, i64),
    pub(crate) months: u32,
    pub(crate) roles: Vec<String>,
    pub(crate) levels: Vec<String>,
    pub(crate) districts: Vec<String>,
    pub(crate) reviews: Vec<String>,
}

impl Builder<'_> {
    /// Whether to put an extreme value here.
    pub(crate) fn edge(&mut self) -> bool {
        self.mode == Mode::Edgy && self.g.chance(0.04)
    }

    pub(crate) fn f(&mut self, lo: f64, hi: f64) -> f64 {
        if self.edge() {
            *self.g.pick(&EXTREME_F64)
        } else {
            self.g.real(lo, hi)
        }
    }

    pub(crate) fn u(&mut self, lo: u32, hi: u32) -> u32 {
        if self.edge() {
            *self.g.pick(&EXTREME_U32)
        } else {
            self.g.int(i64::from(lo), i64::from(hi)) as u32
        }
    }

    pub(crate) fn i(&mut self, lo: i32, hi: i32) -> i32 {
        if self.edge() {
            *self.g.pick(&[0, -1, i32::MIN, i32::MAX, -100_000, 100_000])
        } else {
            self.g.int(i64::from(lo), i64::from(hi)) as i32
        }
    }

    pub(crate) fn text(&mut self, normal: &str) -> String {
        if self.edge() {
            self.g.pick(&ODD_TEXT).to_string()
        } else {
            normal.to_string()
        }
    }

    /// An id from `ids`, or (edgy) one that does not exist.
    pub(crate) fn id(&mut self, ids: &[String]) -> String {
        if self.edge() || ids.is_empty() {
            self.g.pick(&["nobody", "", "Bad Id", "r0 "]).to_string()
        } else {
            self.g.pick(ids).clone()
        }
    }

    pub(crate) fn ids(&mut self, ids: &[String], nonempty: bool) -> Vec<String> {
        let mut out = self.g.subset(ids, nonempty);
        if self.edge() {
            let extra = self.id(ids);
            out.push(extra);
        }
        out
    }

    /// A date `offset` months from the run's start (day 1 or a random day), or (edgy) an odd one.
    pub(crate) fn date(&mut self, offset: i64) -> String {
        if self.edge() {
            return self.g.pick(&ODD_DATES).to_string();
        }
        let (y, m) = self.start;
        let k = y * 12 + (m - 1) + offset;
        let day = if self.g.chance(0.5) {
            1
        } else {
            self.g.int(1, 28)
        };
        format!(
            "{:04}-{:02}-{day:02}",
            k.div_euclid(12),
            k.rem_euclid(12) + 1
        )
    }

    /// A date inside the run.
    pub(crate) fn date_in_run(&mut self) -> String {
        let offset = self.g.int(0, i64::from(self.months) - 1);
        self.date(offset)
    }

    pub(crate) fn shares(&mut self, keys: &[String]) -> BTreeMap<String, f64> {
        let mut out = self.g.shares(keys);
        if self.edge() {
            let k = self.id(keys);
            let v = self.f(0.0, 1.0);
            out.insert(k, v);
        }
        out
    }

    fn calendar(&mut self) -> Calendar {
        use Weekday::*;
        let mut working_days = self.g.subset(&[Mon, Tue, Wed, Thu, Fri, Sat, Sun], true);
        if self.edge() {
            working_days = if self.g.chance(0.5) {
                vec![]
            } else {
                vec![Mon, Mon]
            };
        }
        let holidays = self.g.below(4);
        let bank_holidays = (0..holidays).map(|_| self.date_in_run()).collect();
        let (y, m) = self.start;
        let start = if self.edge() {
            self.g.pick(&ODD_DATES).to_string()
        } else {
            format!("{y:04}-{m:02}-01")
        };
        let months = self.months;
        // A warm-up in one scenario in four; past the limit of 24 at the edges.
        let warm_up_months = if self.edge() {
            25
        } else if self.g.chance(0.25) {
            self.g.below(4) as u32
        } else {
            0
        };
        Calendar {
            start,
            months,
            working_days,
            bank_holidays,
            warm_up_months,
        }
    }

    fn offset(&mut self, days: i32) -> Offset {
        // Days, or the same span in weeks or months rounded down, so the order is kept.
        match self.g.below(3) {
            0 => Offset::Days(days),
            1 => Offset::Weeks(days.div_euclid(7)),
            _ => Offset::Months(days.div_euclid(31)),
        }
    }

    fn review(&mut self, id: &str) -> Review {
        let anchor = if self.g.chance(0.3) {
            Anchor::ExpectedBirth
        } else {
            Anchor::Birth
        };
        let opens = match anchor {
            Anchor::Birth => self.i(0, 400),
            Anchor::ExpectedBirth => self.i(-270, 0),
        };
        let on_time = opens.saturating_add(self.i(0, 90));
        let last_chance = on_time.saturating_add(self.i(0, 120));
        let unit = self.g.below(3);
        let as_unit = |d: i32| match unit {
            0 => Offset::Days(d),
            1 => Offset::Weeks(d.div_euclid(7)),
            _ => Offset::Months(d.div_euclid(31)),
        };
        let roles = self.ids(&self.roles.clone(), true);
        Review {
            id: self.text(id),
            name: self.text(&format!("Review {id}")),
            metric: self.text("C2"),
            anchor,
            opens: as_unit(opens),
            on_time: as_unit(on_time),
            last_chance: if self.edge() {
                self.offset(last_chance)
            } else {
                as_unit(last_chance)
            },
            hours: self.f(0.1, 3.0),
            uptake: self.f(0.0, 1.0),
            offered_share: self.f(0.0, 1.0),
            roles,
            priority: self.u(0, 8),
            target: self.g.chance(0.5).then(|| self.f(0.0, 1.0)),
            reported: if self.g.chance(0.3) {
                Reported::LastChance
            } else {
                Reported::OnTime
            },
            coverage: self.g.chance(0.3).then(|| self.text("C5")),
        }
    }

    fn level(&mut self, id: &str) -> NeedLevel {
        let contacts = if self.g.chance(0.4) {
            0.0
        } else {
            self.f(0.0, 2.0)
        };
        let transitions = self.shares(&self.levels.clone());
        let roles = self.ids(&self.roles.clone(), contacts > 0.0);
        NeedLevel {
            id: self.text(id),
            name: self.text(&format!("Level {id}")),
            transitions,
            contacts_per_month: contacts,
            contact_hours: self.f(0.1, 2.0),
            contact_roles: roles,
            priority: self.u(0, 8),
            released: if self.g.chance(0.3) {
                Release::AtMonthStart
            } else {
                Release::Evenly
            },
            contacts_by_age: if self.g.chance(0.3) {
                let n = if self.edge() { 7 } else { self.g.below(6) + 1 };
                (0..n).map(|_| self.f(0.0, 3.0)).collect()
            } else {
                vec![]
            },
            caseload_weight: self
                .g
                .chance(0.3)
                .then(|| if self.edge() { 0.0 } else { self.f(0.1, 5.0) }),
        }
    }

    fn role(&mut self, id: &str, health_visitor: bool) -> Role {
        let bands = self.g.below(4);
        // Retirement rates need the ages of the staff in post.
        let retiring = if bands == 0 && !self.edge() {
            0
        } else {
            self.g.below(3)
        };
        let retirement = (0..retiring)
            .map(|_| {
                let from_age = self.u(16, 70);
                AgeBand {
                    from_age,
                    to_age: from_age.saturating_add(self.u(0, 10)),
                    rate: self.f(0.0, 0.3),
                }
            })
            .collect();
        let age_mix = if bands == 0 {
            vec![]
        } else {
            let keys: Vec<String> = (0..bands).map(|k| k.to_string()).collect();
            let shares = self.g.shares(&keys);
            keys.iter()
                .enumerate()
                .map(|(k, key)| AgeShare {
                    from_age: 20 + 10 * k as u32,
                    to_age: 29 + 10 * k as u32,
                    share: shares.get(key).copied().unwrap_or(0.0),
                })
                .collect()
        };
        let recruitment = self.g.chance(0.5).then(|| {
            let time_to_fill = self.days_distribution();
            let frozen_from = self.g.chance(0.3).then(|| self.date_in_run());
            Recruitment {
                time_to_fill,
                success: self.f(0.0, 1.0),
                monthly_cap: self.g.chance(0.4).then(|| self.u(1, 5)),
                wte: self.f(0.1, 1.0),
                frozen_from,
            }
        });
        let workload_leaving = self.g.chance(0.3).then(|| WorkloadLeaving {
            above: self.f(0.0, 800.0),
            per_100: self.f(0.0, 0.5),
        });
        Role {
            id: self.text(id),
            name: self.text(&format!("Role {id}")),
            hours_per_week: self.f(1.0, 60.0),
            contact_share: self.f(0.0, 1.0),
            annual_cost: self.f(0.0, 80_000.0),
            health_visitor,
            attrition: self.f(0.0, 0.4),
            retirement,
            age_mix,
            recruitment,
            workload_leaving,
        }
    }

    fn district(&mut self, id: &str) -> District {
        let others: Vec<String> = self
            .districts
            .iter()
            .filter(|d| *d != id)
            .cloned()
            .collect();
        let leave_rate = self.f(0.0, 0.3);
        let moves = self
            .g
            .subset(&others, false)
            .into_iter()
            .map(|d| (d, self.g.real(0.0, 0.2)))
            .collect();
        let staff = self
            .g
            .subset(&self.roles.clone(), false)
            .into_iter()
            .map(|r| (r, self.g.real(0.0, 4.0)))
            .collect();
        let mut establishment = BTreeMap::new();
        if self.g.chance(0.4) {
            for r in self.g.subset(&self.roles.clone(), false) {
                let wte = self.f(0.0, 6.0);
                establishment.insert(r, wte);
            }
        }
        let ages = self.g.below(7);
        let children_by_age = (0..ages).map(|_| self.u(0, 80)).collect();
        let need_mix = self.shares(&self.levels.clone());
        District {
            id: self.text(id),
            name: self.text(&format!("District {id}")),
            children_by_age,
            births_per_year: self.f(0.0, 200.0),
            births_trend: self.f(-0.2, 0.2),
            need_mix,
            migration: Migration {
                arrivals_per_year: self.f(0.0, 60.0),
                leave_rate,
                moves,
            },
            staff,
            establishment,
        }
    }
}

/// Sizes of a generated scenario: at most this many of each kind, and this many months.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub months: u32,
    pub districts: usize,
}

impl Size {
    /// Small enough that one replication takes a few milliseconds.
    pub const SMALL: Size = Size {
        months: 14,
        districts: 3,
    };
}

/// A random scenario using every section, each present at random.
pub fn scenario(g: &mut Gen, mode: Mode, size: Size) -> Scenario {
    let n = |g: &mut Gen, lo: usize, hi: usize| lo + g.below(hi - lo + 1);
    let roles: Vec<String> = (0..n(g, 1, 4)).map(|k| format!("r{k}")).collect();
    let levels: Vec<String> = (0..n(g, 1, 3)).map(|k| format!("l{k}")).collect();
    let districts: Vec<String> = (0..n(g, 1, size.districts))
        .map(|k| format!("d{k}"))
        .collect();
    let reviews: Vec<String> = (0..n(g, 0, 3)).map(|k| format!("v{k}")).collect();
    let start = (g.int(1995, 2060), g.int(1, 12));
    let months = 1 + g.below(size.months as usize) as u32;
    let mut b = Builder {
        g,
        mode,
        start,
        months,
        roles: roles.clone(),
        levels: levels.clone(),
        districts: districts.clone(),
        reviews: reviews.clone(),
    };
    let calendar = b.calendar();
    let leave_at = if b.g.chance(0.5) {
        LeaveAt::FifthBirthday
    } else {
        let month = b.u(1, 12) as u8;
        let day = b.u(1, 28) as u8;
        LeaveAt::SchoolEntry { month, day }
    };
    let need_levels = levels.iter().map(|id| b.level(id)).collect();
    let review_list: Vec<Review> = reviews.iter().map(|id| b.review(id)).collect();
    let role_list: Vec<Role> = roles
        .iter()
        .enumerate()
        .map(|(k, id)| {
            let health_visitor = k == 0 || b.g.chance(0.2);
            b.role(id, health_visitor)
        })
        .collect();
    let district_list: Vec<District> = districts.iter().map(|id| b.district(id)).collect();
    let universal_support = b.g.chance(0.4).then(|| UniversalSupport {
        hours_per_child_per_month: b.f(0.0, 0.3),
        roles: b.ids(&roles, false),
        priority: b.u(0, 9),
    });
    let pipelines = (0..b.g.below(3))
        .map(|k| b.pipeline(&format!("p{k}")))
        .collect();
    let volunteers = b.g.chance(0.4).then(|| b.volunteers());
    let universal = universal_support.is_some();
    let skill_mix_changes = (0..b.g.below(3)).map(|_| b.skill_mix(universal)).collect();
    let mutual_aid = b.g.chance(0.3).then(|| b.mutual_aid(&district_list));
    let budget = b.g.chance(0.5).then(|| b.budget());
    let delivery =
        b.g.chance(0.4)
            .then(|| b.delivery(&district_list, &review_list));
    let allocation = if b.g.chance(0.5) {
        AllocationPolicy::RiskFirst
    } else {
        AllocationPolicy::DeadlineFirst
    };
    let mut s = Scenario {
        extends: None,
        name: b.text("Random"),
        description: b.text("A generated scenario."),
        calendar,
        population: Population {
            leave_at,
            keep_district_need_mix: b.g.chance(0.3),
        },
        need_levels,
        reviews: review_list,
        roles: role_list,
        districts: district_list,
        allocation,
        delivery,
        universal_support,
        pipelines,
        volunteers,
        skill_mix_changes,
        mutual_aid,
        budget,
        uncertain: vec![],
        rag: Default::default(),
    };
    if b.g.chance(0.3) {
        s.uncertain = b.uncertain(&s);
    }
    s
}
