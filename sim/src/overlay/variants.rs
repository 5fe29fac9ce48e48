//! Which names in a file are enum variants written like structs (`SchoolEntry(month: 9, day: 1)`),
//! read from the types themselves: a struct and a struct-like variant look the same in RON, but
//! an overlay merges the first and replaces the second.
//!
//! The type's `Deserialize` impl is driven by a deserializer that makes up a value for every
//! field (zero, empty string, one element per list and map, `Some` for options) and takes each
//! enum's variants in turn, pass after pass, until every variant of every enum reached has been
//! taken. Types whose `Deserialize` needs self-describing input (`deserialize_any`: untagged
//! enums, flattened fields) stop that branch; what was found before is still used.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

/// Most passes made over a type (each takes the next variant of every enum it meets).
const MAX_PASSES: usize = 256;

/// Deepest nesting followed; below it lists and maps are empty and options `None`.
const MAX_DEPTH: usize = 24;

/// The names of `T`'s struct-like enum variants, and those of every type inside it.
pub fn struct_variants<T: DeserializeOwned>() -> BTreeSet<&'static str> {
    let mut trace = Trace::default();
    for _ in 0..MAX_PASSES {
        // A pass stopped by an untraceable type still records what it met before.
        let _ = T::deserialize(Tracer {
            trace: &mut trace,
            depth: 0,
        });
        if trace.enums.values().all(|e| e.taken.len() == e.count) {
            break;
        }
    }
    trace.struct_variants
}

/// What the passes have found.
#[derive(Default)]
struct Trace {
    /// Each enum met, by name.
    enums: BTreeMap<&'static str, EnumSeen>,
    /// Variants seen to be struct-like.
    struct_variants: BTreeSet<&'static str>,
}

/// One enum: how many variants it has, which have been taken, which to take next.
#[derive(Default)]
struct EnumSeen {
    count: usize,
    taken: BTreeSet<usize>,
    next: usize,
}

/// Why a pass stopped.
#[derive(Debug)]
struct Stop(String);

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Stop(msg.to_string())
    }
}

/// A deserializer that makes up values and records enums.
struct Tracer<'a> {
    trace: &'a mut Trace,
    depth: usize,
}

impl Tracer<'_> {
    /// A tracer one level deeper, borrowing the same trace.
    fn deeper(&mut self) -> Tracer<'_> {
        Tracer {
            trace: self.trace,
            depth: self.depth + 1,
        }
    }

    /// `n` elements, or none below the depth limit.
    fn count(&self, n: usize) -> usize {
        if self.depth < MAX_DEPTH { n } else { 0 }
    }
}

/// Methods that visit a made-up scalar.
macro_rules! made_up {
    ($($method:ident => $visit:ident($($value:expr)?);)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
            visitor.$visit($($value)?)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Tracer<'_> {
    type Error = Stop;

    made_up! {
        deserialize_bool => visit_bool(false);
        deserialize_i8 => visit_i8(0);
        deserialize_i16 => visit_i16(0);
        deserialize_i32 => visit_i32(0);
        deserialize_i64 => visit_i64(0);
        deserialize_i128 => visit_i128(0);
        deserialize_u8 => visit_u8(0);
        deserialize_u16 => visit_u16(0);
        deserialize_u32 => visit_u32(0);
        deserialize_u64 => visit_u64(0);
        deserialize_u128 => visit_u128(0);
        deserialize_f32 => visit_f32(0.0);
        deserialize_f64 => visit_f64(0.0);
        deserialize_char => visit_char('a');
        deserialize_str => visit_str("");
        deserialize_string => visit_str("");
        deserialize_bytes => visit_bytes(&[]);
        deserialize_byte_buf => visit_bytes(&[]);
        deserialize_unit => visit_unit();
        deserialize_ignored_any => visit_unit();
    }

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop("a self-describing value cannot be traced".into()))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop(
            "an identifier outside a struct or enum cannot be traced".into(),
        ))
    }

    fn deserialize_option<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Stop> {
        if self.count(1) == 0 {
            return visitor.visit_none();
        }
        visitor.visit_some(self.deeper())
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        mut self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        if self.depth > MAX_DEPTH {
            return Err(Stop("nested too deep".into()));
        }
        visitor.visit_newtype_struct(self.deeper())
    }

    fn deserialize_seq<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Stop> {
        let left = self.count(1);
        visitor.visit_seq(Elements {
            tracer: self.deeper(),
            left,
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        mut self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        visitor.visit_seq(Elements {
            tracer: self.deeper(),
            left: len,
        })
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(mut self, visitor: V) -> Result<V::Value, Stop> {
        let left = self.count(1);
        visitor.visit_map(Entries {
            tracer: self.deeper(),
            left,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        mut self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        if self.depth > MAX_DEPTH {
            return Err(Stop("nested too deep".into()));
        }
        visitor.visit_map(Fields {
            tracer: self.deeper(),
            fields,
            next: 0,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        if self.depth > MAX_DEPTH {
            return Err(Stop("nested too deep".into()));
        }
        let seen = self.trace.enums.entry(name).or_default();
        seen.count = variants.len();
        let k = seen.next % variants.len().max(1);
        seen.next = k + 1;
        seen.taken.insert(k);
        let variant = *variants
            .get(k)
            .ok_or_else(|| Stop(format!("enum {name} has no variants")))?;
        visitor.visit_enum(Variant {
            tracer: self,
            variant,
        })
    }
}

/// The elements of a made-up list or tuple.
struct Elements<'a> {
    tracer: Tracer<'a>,
    left: usize,
}

impl<'de> SeqAccess<'de> for Elements<'_> {
    type Error = Stop;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Stop> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(self.tracer.deeper()).map(Some)
    }
}

/// The entries of a made-up map.
struct Entries<'a> {
    tracer: Tracer<'a>,
    left: usize,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(self.tracer.deeper()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        seed.deserialize(self.tracer.deeper())
    }
}

/// Every field of a struct (or struct-like variant), each with a made-up value.
struct Fields<'a> {
    tracer: Tracer<'a>,
    fields: &'static [&'static str],
    next: usize,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        let Some(&field) = self.fields.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(field.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        seed.deserialize(self.tracer.deeper())
    }
}

/// The variant taken this pass.
struct Variant<'a> {
    tracer: Tracer<'a>,
    variant: &'static str,
}

impl<'de> EnumAccess<'de> for Variant<'_> {
    type Error = Stop;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Stop> {
        let value = seed.deserialize(self.variant.into_deserializer())?;
        Ok((value, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'_> {
    type Error = Stop;

    fn unit_variant(self) -> Result<(), Stop> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(mut self, seed: T) -> Result<T::Value, Stop> {
        seed.deserialize(self.tracer.deeper())
    }

    fn tuple_variant<V: Visitor<'de>>(mut self, len: usize, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_seq(Elements {
            tracer: self.tracer.deeper(),
            left: len,
        })
    }

    fn struct_variant<V: Visitor<'de>>(
        mut self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        self.tracer.trace.struct_variants.insert(self.variant);
        visitor.visit_map(Fields {
            tracer: self.tracer.deeper(),
            fields,
            next: 0,
        })
    }
}
