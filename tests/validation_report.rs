//! The checks docs/validation.md reports that no other file holds: the Birmingham calibration
//! against SEED-PR's January 2019 and January 2020 figures, and migration against its closed form.
//! The figures measured over 100 replications in release, and the command that gives them, are in
//! docs/validation.md; these tests use fewer replications with tolerances that allow for that.

use caseload::scenario::{District, Migration};

use caseload::results::Results;

use crate::common::{
    baseline_for, map, mean, run_scenario, tiny, total, value, with_health_visitors,
};

/// The mean over replications and months `from..=to` of a review's compliance, as OHID counts it:
/// reviews on time over reviews due, summed over the months (a new birth visit counted at its last
/// chance, as the baseline reports it).
fn compliance(results: &Results, review: &str, from: usize, to: usize) -> f64 {
    let at_last = review == "new_birth";
    let (on_time, due) = if at_last {
        (
            format!("review_on_time_at_last_chance:{review}"),
            format!("review_due_at_last_chance:{review}"),
        )
    } else {
        (
            format!("review_on_time:{review}"),
            format!("review_due:{review}"),
        )
    };
    let sum = |metric: &str| -> f64 {
        (0..results.replications())
            .map(|r| total(results, r, from..to + 1, "ALL", metric))
            .sum()
    };
    sum(&on_time) / sum(&due)
}

#[test]
fn birmingham_january_2019_children_staff_and_caseload_match_the_seed() {
    // EY-EDG: 86,601 under-fives (BCC 2016); SEED-PR: 162 HV WTE in post, caseload 443. The model
    // drops the four-year-olds already in reception (docs/calibration.md section 3): about 76,150
    // children, 472 per HV WTE, within 7% of the published 443.
    let results = run_scenario(&baseline_for(2), 4, 1, None);
    let children = mean(&results, 0, "ALL", "children");
    assert!(
        (75_950.0..=76_400.0).contains(&children),
        "children on the caseload, January 2019: {children}"
    );
    // 162 HV WTE on 1 January in every replication: the month's end, less starters, plus leavers.
    for r in 0..results.replications() {
        let v = |k: &str| value(&results, r, 0, "ALL", k);
        let start = v("hv_wte") - v("starters:health_visitor") + v("leavers:health_visitor");
        assert!((start - 162.0).abs() < 1e-9, "HV WTE on 1 January {start}");
    }
    let caseload = mean(&results, 0, "ALL", "caseload_per_hv_wte");
    assert!(
        (caseload - 443.0).abs() <= 0.1 * 443.0,
        "caseload {caseload}"
    );
    // ... and varies after it, as health visitors leave and are recruited.
    let later = run_scenario(&baseline_for(13), 6, 1, None);
    let december: Vec<f64> = (0..6)
        .map(|r| value(&later, r, 11, "ALL", "hv_wte"))
        .collect();
    assert!(
        december.iter().any(|&x| x != december[0]),
        "HV WTE in December 2019 is the same in every replication: {december:?}"
    );
}

#[test]
fn birmingham_from_the_2019_population_estimate_gives_the_published_443() {
    // docs/calibration.md section 3: every children_by_age cell scaled by 82,257 / 86,601 (the
    // ONS-based January 2019 estimate) gives about 447 children per HV WTE, within 1.5% of SEED-PR's
    // 443.
    let mut s = baseline_for(2);
    for d in &mut s.districts {
        for c in &mut d.children_by_age {
            *c = (f64::from(*c) * 82_257.0 / 86_601.0).round() as u32;
        }
    }
    let results = run_scenario(&s, 4, 1, None);
    let caseload = mean(&results, 0, "ALL", "caseload_per_hv_wte");
    assert!(
        (caseload - 443.0).abs() <= 443.0 * 0.015,
        "caseload {caseload}, published 443"
    );
}

#[test]
fn birmingham_2019_is_below_england_and_january_2020_protects_upp_and_up_contacts() {
    // docs/calibration.md section 5. The mean compliance over April-December 2019 is below England's
    // Q1 2017/18 coverage (OHID-Q1) on at least three of the four post-birth reviews (the service did
    // not meet the standards in 2019, SEED-PR), near DATA's priors; and in January 2020 UPP contacts
    // are near SEED-PR's 96% and UP contacts near its 86%. Over 40 replications in release the model
    // gives C1 44.4%, C2 83.0%, C8i 78.7%, C4 62.3%, C6i 63.3% and (medians) UPP 96.9%, UP 84.3%; 10
    // replications here.
    let results = run_scenario(&baseline_for(13), 10, 1, None);
    assert_eq!(results.months[12], "2020-01");
    let england = [
        ("new_birth", 0.864),
        ("six_to_eight_weeks", 0.815),
        ("twelve_months", 0.746),
        ("two_year", 0.757),
    ];
    let below = england
        .iter()
        .filter(|(r, e)| compliance(&results, r, 3, 11) < *e)
        .count();
    assert!(below >= 3, "{below} of 4 below England");
    // DATA's priors, widened by 2 points for the spread of 10 replications (docs/validation.md §2).
    for (review, low, high) in [
        ("antenatal", 0.25, 0.45),
        ("new_birth", 0.80, 0.90),
        ("six_to_eight_weeks", 0.70, 0.85),
        ("twelve_months", 0.45, 0.65),
        ("two_year", 0.50, 0.70),
    ] {
        let c = compliance(&results, review, 3, 11);
        assert!(
            c >= low - 0.02 && c <= high + 0.02,
            "{review}: {c} far outside {low}-{high}"
        );
    }
    let upp = mean(&results, 12, "ALL", "contact_coverage:partnership_plus");
    assert!((upp - 0.96).abs() <= 0.03, "UPP contacts delivered: {upp}");
    let up = mean(&results, 12, "ALL", "contact_coverage:universal_plus");
    assert!((up - 0.86).abs() <= 0.04, "UP contacts delivered: {up}");
}

#[test]
fn compliance_falls_gradually_as_health_visitors_are_cut() {
    // docs/validation.md, the capacity sweeps: with 85% and 70% of the baseline's health visitors,
    // every mandated review's compliance over April-December 2019 falls, step by step, with no
    // cliff. In release (40 replications) 100% / 85% / 70% give C1 44 / 42 / 38, C8i 79 / 77 / 73,
    // C4 62 / 58 / 53, C6i 63 / 59 / 53; 6 replications here.
    let at = |factor: f64| {
        let results = run_scenario(&with_health_visitors(baseline_for(12), factor), 6, 1, None);
        [
            "antenatal",
            "six_to_eight_weeks",
            "twelve_months",
            "two_year",
        ]
        .map(|r| compliance(&results, r, 3, 11))
    };
    let (full, less, least) = (at(1.0), at(0.85), at(0.7));
    for i in 0..4 {
        let steps = [full[i] - less[i], less[i] - least[i]];
        for step in steps {
            assert!(
                (0.01..=0.12).contains(&step),
                "review {i}: {full:?} / {less:?} / {least:?}"
            );
        }
    }
}

/// One district of `children` one-year-olds, no births, no staff work to speak of.
fn one_year_olds(id: &str, children: u32, migration: Migration) -> District {
    let mut d = tiny().districts[0].clone();
    (d.id, d.name) = (id.into(), id.into());
    d.children_by_age = vec![0, children];
    d.births_per_year = 0.0;
    d.migration = migration;
    d
}

#[test]
fn leaving_the_city_and_moving_follow_their_annual_probabilities() {
    // North: 20,000 one-year-olds, 30% a year leave the city and 10% a year move south. Monthly
    // hazards add: after a year, survivors in north are (1 - 0.3)(1 - 0.1) = 63% (the two monthly
    // probabilities are converted separately, so the survival is their product to within 0.1%);
    // 20,000 x 0.63 = 12,600. South (empty, no migration) receives the movers: about
    // 20,000 x 0.1 x (mean survival in north over the year, ~0.81) = 1,620.
    let mut s = tiny();
    s.calendar.months = 13;
    s.districts = vec![
        one_year_olds(
            "north",
            20_000,
            Migration {
                arrivals_per_year: 0.0,
                leave_rate: 0.3,
                moves: map(&[("south", 0.1)]),
            },
        ),
        one_year_olds("south", 0, Migration::default()),
    ];
    let results = run_scenario(&s, 1, 3, None);
    // The end of month 11 (December 2024) follows 12 monthly draws, the first on day 0.
    let north = value(&results, 0, 11, "north", "children");
    let expected = 20_000.0 * (1.0 - 0.3f64) * (1.0 - 0.1);
    // Binomial sd about 68.
    assert!(
        (north - expected).abs() < 300.0,
        "north after a year: {north}, expected about {expected}"
    );
    let left = total(&results, 0, 0..12, "north", "left_city");
    let moved = total(&results, 0, 0..12, "north", "moved_out");
    assert_eq!(north + left + moved, 20_000.0, "every child accounted for");
    // Leaving and moving in the ratio of their monthly probabilities:
    // (1 - 0.7^(1/12)) / (1 - 0.9^(1/12)) = 0.02929 / 0.00874 = 3.35.
    let ratio = left / moved;
    assert!((ratio - 3.35).abs() < 0.3, "left / moved {ratio}");
    assert_eq!(value(&results, 0, 11, "south", "children"), moved);
}

#[test]
fn arrivals_come_at_their_yearly_rate() {
    // 1,200 arrivals a year: Poisson with mean 100 a month, 1,200 over a year (sd 35).
    let mut s = tiny();
    s.calendar.months = 12;
    s.districts[0].children_by_age = vec![1000; 5];
    s.districts[0].births_per_year = 0.0;
    s.districts[0].migration.arrivals_per_year = 1200.0;
    let results = run_scenario(&s, 1, 4, None);
    let arrivals = total(&results, 0, 0..12, "north", "arrivals");
    assert!(
        (arrivals - 1200.0).abs() < 140.0,
        "arrivals over a year: {arrivals}"
    );
}

#[test]
fn contact_demand_is_children_times_the_monthly_rate() {
    // 4,000 children (ages 0-3, none leaving in six months), half a contact each a month: demand is
    // Poisson with mean 2,000 a month, 12,000 over six months (sd 110). With ample staff every
    // contact is delivered, taking exactly contacts x 1.5 hours.
    let mut s = tiny();
    s.calendar.months = 6;
    s.need_levels[0].contacts_per_month = 0.5;
    s.need_levels[0].contact_hours = 1.5;
    s.need_levels[0].contact_roles = vec!["hv".into()];
    s.reviews.clear();
    s.districts[0].children_by_age = vec![1000; 4];
    s.districts[0].births_per_year = 0.0;
    s.districts[0].staff = map(&[("hv", 100.0)]);
    let results = run_scenario(&s, 1, 5, None);
    for m in 0..6 {
        assert_eq!(value(&results, 0, m, "north", "children"), 4000.0);
    }
    let needed = total(&results, 0, 0..6, "north", "contacts_needed:universal");
    assert!(
        (needed - 12_000.0).abs() < 450.0,
        "contacts needed {needed}"
    );
    let delivered = total(&results, 0, 0..6, "north", "contacts_delivered:universal");
    assert_eq!(delivered, needed);
    let used = total(&results, 0, 0..6, "north", "hours_used");
    assert!((used - 1.5 * needed).abs() < 1e-6, "hours used {used}");
}
