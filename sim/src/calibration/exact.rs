//! Numbers in a calibration's checkpoint and shard files, written as text that reads back to the
//! same bits: Rust's shortest round-trip form, with `inf` and `NaN` (which a JSON number cannot
//! hold: a prior run's distance is infinite when it cannot be compared). A search resumed from its
//! checkpoint must make exactly the proposals the unbroken search would.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One number, as its round-trip text.
#[derive(Debug, Clone, Copy)]
struct Exact(f64);

impl Serialize for Exact {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{:?}", self.0))
    }
}

impl<'de> Deserialize<'de> for Exact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse::<f64>().map(Exact).map_err(|_| {
            D::Error::custom(format!(
                "expected a number written as text (e.g. \"0.25\", \"inf\"), found {text:?}"
            ))
        })
    }
}

/// A single `f64` field: `#[serde(with = "exact::one")]`.
pub mod one {
    use super::*;

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        Exact(*x).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Exact::deserialize(d).map(|e| e.0)
    }
}

/// A `Vec<f64>` field.
pub mod list {
    use super::*;

    pub fn serialize<S: Serializer>(xs: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(xs.iter().map(|&x| Exact(x)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(Vec::<Exact>::deserialize(d)?
            .into_iter()
            .map(|e| e.0)
            .collect())
    }
}

/// A `Vec<Vec<f64>>` field (particles).
pub mod lists {
    use super::*;

    pub fn serialize<S: Serializer>(xs: &[Vec<f64>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            xs.iter()
                .map(|x| x.iter().map(|&v| Exact(v)).collect::<Vec<_>>()),
        )
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<f64>>, D::Error> {
        Ok(Vec::<Vec<Exact>>::deserialize(d)?
            .into_iter()
            .map(|x| x.into_iter().map(|e| e.0).collect())
            .collect())
    }
}

/// A `Vec<Option<Vec<f64>>>` field (a batch's simulated rows; `None` for inputs that could not run).
pub mod maybe_lists {
    use super::*;

    pub fn serialize<S: Serializer>(xs: &[Option<Vec<f64>>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(xs.iter().map(|x| {
            x.as_ref()
                .map(|x| x.iter().map(|&v| Exact(v)).collect::<Vec<_>>())
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Option<Vec<f64>>>, D::Error> {
        Ok(Vec::<Option<Vec<Exact>>>::deserialize(d)?
            .into_iter()
            .map(|x| x.map(|x| x.into_iter().map(|e| e.0).collect()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        #[serde(with = "one")]
        x: f64,
        #[serde(with = "lists")]
        xs: Vec<Vec<f64>>,
    }

    #[test]
    fn every_number_reads_back_to_the_same_bits() {
        let awkward = [
            0.1,
            1.0 / 3.0,
            f64::MIN_POSITIVE,
            5e-324,
            -0.0,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            123_456_789.123_456_78,
        ];
        let sample = Sample {
            x: f64::INFINITY,
            xs: vec![awkward.to_vec(), vec![f64::NAN]],
        };
        let text = serde_json::to_string(&sample).expect("serialises");
        let back: Sample = serde_json::from_str(&text).expect("reads back");
        let bits = |s: &Sample| -> Vec<u64> {
            std::iter::once(s.x)
                .chain(s.xs.iter().flatten().copied())
                .map(f64::to_bits)
                .collect()
        };
        assert_eq!(bits(&back), bits(&sample));
        let bad = r#"{"x": "0.5x", "xs": []}"#;
        let e = serde_json::from_str::<Sample>(bad).expect_err("not a number");
        assert!(e.to_string().contains("\"0.5x\""), "{e}");
    }
}
