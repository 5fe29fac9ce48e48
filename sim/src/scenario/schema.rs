//! The scenario types read at run time through the JSON Schema that `schemars` derives from them,
//! whose descriptions are the types' doc comments: the one introspection of the scenario format.
//! The app's editor takes each field's tooltip, its kind of widget and its enum choices from here,
//! and overlays learn which enum variants are written like structs ([`Schema::struct_variants`]),
//! so nothing of the reference is copied by hand.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde_json::{Map, Value};

use super::Scenario;

/// The schema of a whole scenario.
#[derive(Debug, Clone)]
pub struct Schema {
    root: Value,
}

/// One type in the schema, as met at some place in a scenario (a field, an element, a variant's
/// content): what the editor needs to draw and document it.
#[derive(Debug, Clone, Copy)]
pub struct Ty<'a> {
    schema: &'a Schema,
    node: &'a Value,
    /// Read a `"type": [X, "null"]` as plain `X` (the inside of an `Option`).
    not_null: bool,
    /// The doc to show instead of the type's own (an option's field doc for its inside).
    doc: Option<&'a str>,
}

/// What kind of value a type is.
#[derive(Debug, Clone)]
pub enum Shape<'a> {
    /// A struct: its fields by name (alphabetical) and those that must be written.
    Struct {
        /// Every field.
        fields: Vec<(&'a str, Ty<'a>)>,
        /// Fields without a default, in declaration order.
        required: Vec<&'a str>,
    },
    /// A list of the element type.
    List(Ty<'a>),
    /// A map from string keys to the value type.
    Map(Ty<'a>),
    /// An optional value of the inner type (`None`, `Some(x)` or just `x`).
    Option(Ty<'a>),
    /// An enum with these variants.
    Enum(Vec<Variant<'a>>),
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// A string.
    Text,
    /// `true` or `false`.
    Bool,
    /// Something the editor does not know how to draw; edited as RON text.
    Unknown,
}

/// One variant of an enum.
#[derive(Debug, Clone)]
pub struct Variant<'a> {
    /// Its name as written in RON.
    pub name: &'a str,
    /// Its doc comment.
    pub doc: Option<&'a str>,
    /// What it holds.
    pub content: Content<'a>,
}

/// What an enum variant holds.
#[derive(Debug, Clone)]
pub enum Content<'a> {
    /// Nothing: `Mon`.
    Unit,
    /// One value: `Days(14)`.
    Newtype(Ty<'a>),
    /// Named fields: `SchoolEntry(month: 9, day: 1)`; the type is a struct.
    Struct(Ty<'a>),
}

impl Schema {
    /// The schema of [`Scenario`].
    pub fn scenario() -> Self {
        Self::of::<Scenario>()
    }

    /// The schema of `T`.
    pub fn of<T: JsonSchema>() -> Self {
        let root = serde_json::to_value(schemars::schema_for!(T)).unwrap_or(Value::Null);
        Schema { root }
    }

    /// The names of the enum variants written like structs (`SchoolEntry(month: 9, day: 1)`)
    /// anywhere in the type: in RON they look like structs, but an overlay replaces them whole
    /// rather than merging them field by field.
    pub fn struct_variants(&self) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut stack = vec![&self.root];
        while let Some(node) = stack.pop() {
            match node {
                Value::Object(map) => {
                    if map.contains_key("oneOf") {
                        let ty = Ty {
                            schema: self,
                            node,
                            not_null: false,
                            doc: None,
                        };
                        if let Shape::Enum(variants) = ty.shape() {
                            found.extend(
                                variants
                                    .iter()
                                    .filter(|v| matches!(v.content, Content::Struct(_)))
                                    .map(|v| v.name.to_string()),
                            );
                        }
                    }
                    stack.extend(map.values());
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
        found
    }

    /// The type of the whole scenario.
    pub fn root(&self) -> Ty<'_> {
        Ty {
            schema: self,
            node: &self.root,
            not_null: false,
            doc: None,
        }
    }

    /// The type at a path of field names, `[*]` for a list element or map value, and variant
    /// names for an enum's content: `districts[*].births_per_year`,
    /// `population.leave_at.SchoolEntry.month`. Options are looked through.
    pub fn at(&self, path: &str) -> Option<Ty<'_>> {
        let mut ty = self.root();
        for step in path.split('.') {
            let (name, stars) = match step.find('[') {
                Some(i) => (&step[..i], step[i..].matches("[*]").count()),
                None => (step, 0),
            };
            if !name.is_empty() {
                ty = ty.member(name)?;
            }
            for _ in 0..stars {
                ty = match ty.through_option().shape() {
                    Shape::List(t) | Shape::Map(t) => t,
                    _ => return None,
                };
            }
        }
        Some(ty)
    }

    /// The doc comment of the value at `path` (see [`Schema::at`]).
    pub fn doc(&self, path: &str) -> Option<&str> {
        self.at(path)?.doc()
    }

    /// The schema node a `$ref` points to.
    fn lookup(&self, reference: &str) -> Option<&Value> {
        let name = reference.strip_prefix("#/$defs/")?;
        self.root.get("$defs")?.get(name)
    }
}

impl<'a> Ty<'a> {
    fn of(&self, node: &'a Value) -> Ty<'a> {
        Ty {
            schema: self.schema,
            node,
            not_null: false,
            doc: None,
        }
    }

    /// The node with `$ref`s followed (a bounded number of times).
    fn resolved(&self) -> &'a Value {
        let mut node = self.node;
        for _ in 0..8 {
            match node.get("$ref").and_then(Value::as_str) {
                Some(r) => match self.schema.lookup(r) {
                    Some(n) => node = n,
                    None => break,
                },
                None => break,
            }
        }
        node
    }

    /// This type documented as `outer` is (the inside of an option as its field).
    pub fn with_doc_of(self, outer: Ty<'a>) -> Ty<'a> {
        Ty {
            doc: outer.doc().or(self.doc),
            ..self
        }
    }

    /// Its doc comment: the field's own, else its type's.
    pub fn doc(&self) -> Option<&'a str> {
        if self.doc.is_some() {
            return self.doc;
        }
        let own = self.node.get("description").and_then(Value::as_str);
        own.or_else(|| self.resolved().get("description").and_then(Value::as_str))
    }

    /// The name of the scenario type it is (`Calendar`), when it is a named type rather than a
    /// number, text or list written in place.
    pub fn type_name(&self) -> Option<&'a str> {
        let reference = self.node.get("$ref").and_then(Value::as_str)?;
        reference.strip_prefix("#/$defs/")
    }

    /// The default value serde gives it when it is left out, if the schema records one.
    pub fn default_value(&self) -> Option<&'a Value> {
        self.node.get("default")
    }

    /// Its inner type if it is an `Option`, else itself.
    pub fn through_option(self) -> Ty<'a> {
        match self.shape() {
            Shape::Option(inner) => inner,
            _ => self,
        }
    }

    /// A field of a struct, or the content of an enum variant, by name; options looked through.
    pub fn member(&self, name: &str) -> Option<Ty<'a>> {
        match self.through_option().shape() {
            Shape::Struct { fields, .. } => fields.into_iter().find(|f| f.0 == name).map(|f| f.1),
            Shape::Enum(variants) => match variants.into_iter().find(|v| v.name == name)?.content {
                Content::Unit => None,
                Content::Newtype(t) | Content::Struct(t) => Some(t),
            },
            _ => None,
        }
    }

    /// What kind of value it is.
    pub fn shape(&self) -> Shape<'a> {
        let node = self.resolved();
        if let Some(any) = node.get("anyOf").and_then(Value::as_array)
            && any.len() == 2
            && let Some(inner) = any.iter().find(|v| !is_null(v))
        {
            return Shape::Option(self.of(inner));
        }
        if let Some(one) = node.get("oneOf").and_then(Value::as_array) {
            return Shape::Enum(one.iter().filter_map(|v| self.variant(v)).collect());
        }
        if let Some(names) = node.get("enum").and_then(Value::as_array) {
            let variants = names.iter().filter_map(Value::as_str);
            return Shape::Enum(
                variants
                    .map(|name| Variant {
                        name,
                        doc: None,
                        content: Content::Unit,
                    })
                    .collect(),
            );
        }
        let kind = match node.get("type") {
            Some(Value::String(s)) => s.as_str(),
            Some(Value::Array(types)) => {
                let nullable = types.iter().any(|t| t == "null");
                if nullable && !self.not_null {
                    return Shape::Option(Ty {
                        not_null: true,
                        ..*self
                    });
                }
                types
                    .iter()
                    .filter_map(Value::as_str)
                    .find(|t| *t != "null")
                    .unwrap_or("")
            }
            _ => "",
        };
        match kind {
            "object" => self.object(node),
            "array" => node
                .get("items")
                .map_or(Shape::Unknown, |i| Shape::List(self.of(i))),
            "integer" => Shape::Integer,
            "number" => Shape::Number,
            "string" => Shape::Text,
            "boolean" => Shape::Bool,
            _ => Shape::Unknown,
        }
    }

    /// A struct (with `properties`) or a map (with `additionalProperties`).
    fn object(&self, node: &'a Value) -> Shape<'a> {
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            let fields = props
                .iter()
                .map(|(k, v)| (k.as_str(), self.of(v)))
                .collect();
            let required = node
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            return Shape::Struct { fields, required };
        }
        match node.get("additionalProperties") {
            Some(v @ Value::Object(_)) => Shape::Map(self.of(v)),
            _ => Shape::Unknown,
        }
    }

    /// One `oneOf` entry as an enum variant: `{"const": "Name"}` or an object with one property.
    fn variant(&self, v: &'a Value) -> Option<Variant<'a>> {
        let doc = v.get("description").and_then(Value::as_str);
        if let Some(name) = v.get("const").and_then(Value::as_str) {
            let content = Content::Unit;
            return Some(Variant { name, doc, content });
        }
        let props: &Map<String, Value> = v.get("properties")?.as_object()?;
        let (name, inner) = props.iter().next()?;
        let inner = self.of(inner);
        let content = match inner.shape() {
            Shape::Struct { .. } => Content::Struct(inner),
            _ => Content::Newtype(inner),
        };
        Some(Variant {
            name: name.as_str(),
            doc,
            content,
        })
    }

    /// RON text for a new value of this type: its default if the schema has a simple one, else
    /// the simplest value of its shape (a struct with its required fields).
    pub fn skeleton(&self) -> String {
        self.skeleton_at(0)
    }

    fn skeleton_at(&self, depth: usize) -> String {
        if depth > 16 {
            return "()".into();
        }
        let shape = self.shape();
        if let Some(d) = self.default_value()
            && let Some(text) = simple_ron(d, &shape)
        {
            return text;
        }
        match shape {
            Shape::Struct { fields, required } => {
                let parts: Vec<String> = required
                    .iter()
                    .filter_map(|r| fields.iter().find(|f| f.0 == *r))
                    .map(|(name, ty)| format!("{name}: {}", ty.skeleton_at(depth + 1)))
                    .collect();
                format!("({})", parts.join(", "))
            }
            Shape::List(_) => "[]".into(),
            Shape::Map(_) => "{}".into(),
            Shape::Option(_) => "None".into(),
            Shape::Enum(variants) => variants
                .first()
                .map_or("()".into(), |v| variant_skeleton(v, depth)),
            Shape::Integer => "0".into(),
            Shape::Number => "0.0".into(),
            Shape::Text => "\"\"".into(),
            Shape::Bool => "false".into(),
            Shape::Unknown => "()".into(),
        }
    }
}

/// RON text for a new value of variant `v`.
pub fn variant_skeleton(v: &Variant<'_>, depth: usize) -> String {
    match &v.content {
        Content::Unit => v.name.to_string(),
        Content::Newtype(t) => format!("{}({})", v.name, t.skeleton_at(depth + 1)),
        Content::Struct(t) => format!("{}{}", v.name, t.skeleton_at(depth + 1)),
    }
}

/// A JSON default written as RON, for numbers, booleans and strings only.
fn simple_ron(d: &Value, shape: &Shape<'_>) -> Option<String> {
    match (d, shape) {
        (Value::Number(n), Shape::Integer) => Some(n.to_string()),
        (Value::Number(n), Shape::Number) => n.as_f64().map(|x| format!("{x:?}")),
        (Value::Bool(b), Shape::Bool) => Some(b.to_string()),
        (Value::String(s), Shape::Text) => ron::to_string(s).ok(),
        (Value::String(s), Shape::Enum(vs)) => vs.iter().any(|v| v.name == s).then(|| s.clone()),
        _ => None,
    }
}

fn is_null(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(JsonSchema)]
    #[allow(dead_code)]
    struct Outer {
        plain: Inner,
        list: Vec<Inner>,
        map: BTreeMap<String, Option<Box<Outer>>>,
    }

    #[derive(JsonSchema)]
    #[allow(dead_code)]
    enum Inner {
        Unit,
        Tuple(u8, String),
        Nested(Deep),
        Shape { w: f64 },
    }

    #[derive(JsonSchema)]
    #[allow(dead_code)]
    enum Deep {
        First,
        Second(i32),
        Hidden { x: Option<Box<Inner>> },
    }

    #[test]
    fn struct_like_variants_are_found_from_the_types() {
        let found = Schema::of::<Outer>().struct_variants();
        assert_eq!(found.into_iter().collect::<Vec<_>>(), ["Hidden", "Shape"]);
        let scenario = Schema::scenario().struct_variants();
        assert_eq!(
            scenario.iter().map(String::as_str).collect::<Vec<_>>(),
            [
                "Beta",
                "Gamma",
                "Normal",
                "SchoolEntry",
                "Triangular",
                "Uniform"
            ]
        );
        assert!(Schema::of::<u32>().struct_variants().is_empty());
    }

    #[test]
    fn field_docs_are_the_doc_comments() {
        let s = Schema::scenario();
        assert_eq!(
            s.doc("districts[*].births_per_year"),
            Some("Births per year at the start (>= 0).")
        );
        assert_eq!(
            s.doc("roles[*].contact_share"),
            Some(
                "Share of contracted hours left for contacts after leave, sickness, training, \
                 supervision,\ntravel between bases and administration, in [0, 1]. One WTE gives \
                 `hours_per_week` x\n`contact_share` / (number of `working_days`) hours on each \
                 working day."
            )
        );
        assert_eq!(
            s.doc("population.leave_at.SchoolEntry.month"),
            Some("Month the school year starts (1-12); 9 in England.")
        );
        // Through an Option and a map value.
        assert_eq!(
            s.doc("budget.annual"),
            Some(
                "Annual budget at the start, in pounds (>= 0), shared between districts by their \
                 share of\nthe establishment at the start."
            )
        );
        assert_eq!(s.doc("districts[*].no_such_field"), None);
    }

    #[test]
    fn shapes_follow_the_rust_types() {
        let s = Schema::scenario();
        let shape = |p: &str| s.at(p).map(|t| t.shape());
        assert!(matches!(shape("calendar.months"), Some(Shape::Integer)));
        assert!(matches!(shape("districts[*].staff"), Some(Shape::Map(_))));
        assert!(matches!(
            shape("districts[*].staff[*]"),
            Some(Shape::Number)
        ));
        assert!(matches!(shape("reviews[*].target"), Some(Shape::Option(_))));
        let Some(Shape::Enum(days)) = shape("calendar.working_days[*]") else {
            panic!("weekdays are an enum");
        };
        let names: Vec<&str> = days.iter().map(|v| v.name).collect();
        assert_eq!(names, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);
        let Some(Shape::Enum(offsets)) = shape("reviews[*].opens") else {
            panic!("offsets are an enum");
        };
        assert_eq!(offsets[1].name, "Weeks");
        assert_eq!(offsets[1].doc, Some("Whole weeks (7 days)."));
        assert!(matches!(offsets[1].content, Content::Newtype(_)));
    }

    #[test]
    fn skeletons_are_the_simplest_values() {
        let s = Schema::scenario();
        let sk = |p: &str| s.at(p).map(|t| t.skeleton()).unwrap_or_default();
        assert_eq!(sk("reviews[*].opens"), "Days(0)");
        assert_eq!(sk("reviews[*].offered_share"), "1.0");
        assert_eq!(sk("population.leave_at"), "FifthBirthday");
        assert_eq!(
            sk("budget.changes[*]"),
            "(from: \"\", change: Percent(0.0))"
        );
        assert_eq!(sk("allocation"), "RiskFirst");
    }
}
