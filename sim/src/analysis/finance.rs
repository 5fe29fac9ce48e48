//! Money as a finance reader reads it: spend against budget by financial year (April to March),
//! the year to date against the budget to date, and the forecast outturn with its range. Sums are
//! taken replication by replication and then summarised, so a range is the range of the year's
//! total, not a sum of monthly ranges.

use crate::results::Results;
use crate::summary::Stats;

/// Spend and budget over some months of one financial year.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// The financial year, `2019/20` (April 2019 to March 2020).
    pub year: String,
    /// The first and last month of the period, as indices into the forecast's months.
    pub months: (usize, usize),
    /// Whether the period is the whole year (all twelve months are in the forecast).
    pub whole_year: bool,
    /// Spend over the period, across replications.
    pub spend: Stats,
    /// Budget over the period; no values when the scenario sets no budget.
    pub budget: Stats,
    /// Spend minus budget: above zero an overspend, below an underspend.
    pub variance: Stats,
}

/// The financial year (`2019/20`) a month label `YYYY-MM` falls in, and its place in that year
/// (0 for April to 11 for March).
fn year_of(month: &str) -> Option<(String, usize)> {
    let year: i32 = month.get(..4)?.parse().ok()?;
    let m: usize = month.get(5..7)?.parse().ok()?;
    let start = if m >= 4 { year } else { year - 1 };
    Some((
        format!("{start}/{:02}", (start + 1).rem_euclid(100)),
        (m + 8) % 12,
    ))
}

/// Each financial year the forecast touches, for `district` (an index; the city is
/// [`Results::city`]). Empty when the forecast has no spend.
pub fn financial_years(results: &Results, district: usize) -> Vec<Period> {
    let mut periods = Vec::new();
    let mut start = 0;
    while start < results.months.len() {
        let Some((year, _)) = year_of(&results.months[start]) else {
            break;
        };
        let mut end = start;
        while end + 1 < results.months.len()
            && year_of(&results.months[end + 1]).map(|y| y.0).as_ref() == Some(&year)
        {
            end += 1;
        }
        if let Some(p) = period(results, district, start, end) {
            periods.push(p);
        }
        start = end + 1;
    }
    periods
}

/// The financial year to date at `month` (an index): from its April, or the forecast's first
/// month if later, to `month`.
pub fn year_to_date(results: &Results, district: usize, month: usize) -> Option<Period> {
    let (_, place) = year_of(results.months.get(month)?)?;
    let first = month.saturating_sub(place);
    period(results, district, first, month)
}

/// The period of months `first..=last` of one financial year.
fn period(results: &Results, district: usize, first: usize, last: usize) -> Option<Period> {
    let spend = results.metric_index("spend")?;
    let (year, first_place) = year_of(&results.months[first])?;
    let (_, last_place) = year_of(&results.months[last])?;
    let budget = results.metric_index("budget");
    let sum = |metric: usize, r: usize| -> f64 {
        (first..=last)
            .map(|m| results.value(r, m, district, metric))
            .sum()
    };
    let n = results.replications();
    let spends: Vec<f64> = (0..n).map(|r| sum(spend, r)).collect();
    let budgets: Vec<f64> = match budget {
        Some(b) => (0..n).map(|r| sum(b, r)).collect(),
        None => vec![f64::NAN; n],
    };
    let variance: Vec<f64> = spends.iter().zip(&budgets).map(|(s, b)| s - b).collect();
    Some(Period {
        year,
        months: (first, last),
        whole_year: first_place == 0 && last_place == 11,
        spend: Stats::of(&spends),
        budget: Stats::of(&budgets),
        variance: Stats::of(&variance),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run of `months` from `start` (YYYY-MM) with two replications: spend 10 and 20 a month,
    /// budget 15, in the one district and the city.
    fn run(start: (i32, usize), months: usize) -> Results {
        let labels: Vec<String> = (0..months)
            .map(|i| {
                let m = start.1 - 1 + i;
                format!("{}-{:02}", start.0 + (m / 12) as i32, m % 12 + 1)
            })
            .collect();
        let metrics = vec!["spend".to_string(), "budget".to_string()];
        let districts = vec!["north".to_string(), "ALL".to_string()];
        let values = (0..2)
            .map(|r| {
                let mut v = Vec::new();
                for _ in 0..months {
                    for _ in 0..2 {
                        v.extend([10.0 * (r + 1) as f64, 15.0]);
                    }
                }
                v
            })
            .collect();
        Results::from_values(metrics, labels, districts, values).expect("a consistent shape")
    }

    #[test]
    fn years_run_april_to_march_and_partial_years_say_so() {
        // January 2019 to December 2020: Jan-Mar 2019, 2019/20 whole, Apr-Dec 2020.
        let r = run((2019, 1), 24);
        let years = financial_years(&r, r.city());
        let labels: Vec<(&str, (usize, usize), bool)> = years
            .iter()
            .map(|p| (p.year.as_str(), p.months, p.whole_year))
            .collect();
        assert_eq!(
            labels,
            [
                ("2018/19", (0, 2), false),
                ("2019/20", (3, 14), true),
                ("2020/21", (15, 23), false)
            ]
        );
        // The whole year: spend 120 or 240 against a budget of 180, so 60 under or 60 over.
        let whole = &years[1];
        assert_eq!(whole.spend.n, 2);
        assert_eq!((whole.spend.mean, whole.budget.mean), (180.0, 180.0));
        assert_eq!(whole.variance.percentiles[0].signum(), -1.0);
        assert_eq!(whole.variance.mean, 0.0);
    }

    #[test]
    fn the_year_to_date_starts_in_april() {
        let r = run((2019, 1), 24);
        // December 2019 (index 11): April to December, nine months.
        let ytd = year_to_date(&r, r.city(), 11).expect("a period");
        assert_eq!((ytd.year.as_str(), ytd.months), ("2019/20", (3, 11)));
        assert_eq!(ytd.budget.mean, 9.0 * 15.0);
        // February 2019: from the forecast's first month.
        let ytd = year_to_date(&r, r.city(), 1).expect("a period");
        assert_eq!(ytd.months, (0, 1));
        assert_eq!(year_of("2023-03"), Some(("2022/23".into(), 11)));
        assert_eq!(year_of("1999-04"), Some(("1999/00".into(), 0)));
    }
}
