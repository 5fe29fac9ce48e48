//! What an overlay inherits. A file with `extends` writes only what differs from its base; the
//! form shows each field it leaves out as inherited from the base file that wrote it, rather
//! than as missing or defaulted, and can copy the inherited value in to change it.
//!
//! The bases are read and merged by the same rules as the loader (`caseload::overlay`), and a
//! field is inherited only where the merge would look into the base: a struct, map or list by
//! id that the overlay merges rather than replaces.

use std::path::{Path, PathBuf};

use caseload::load::MAX_EXTENDS;
use caseload::locate::{FieldPath, Segment};
use caseload::overlay::{self, Document, Node, Rules, Value};
use caseload::scenario::Scenario;

use super::files;

/// The bases of an overlay, merged.
#[derive(Debug, Clone)]
pub struct Bases {
    /// The files, by the id their nodes carry: 0 is the overlay (not read here), 1 its base, ..
    files: Vec<PathBuf>,
    /// The bases merged, last base first, as the overlay is merged into them.
    root: Node,
    rules: Rules,
}

impl Bases {
    /// The bases of `doc`, read from `path`; `None` if it is not an overlay, or a base cannot be
    /// read or parsed, or the chain is too long or circular (the check says why).
    pub fn read(path: &Path, doc: &Document) -> Option<Bases> {
        let (first, _) = doc.extends()?;
        let mut files = vec![path.to_path_buf()];
        let mut seen = vec![identity(path)];
        let mut docs: Vec<Document> = Vec::new();
        let mut next = first.to_string();
        loop {
            if files.len() > MAX_EXTENDS {
                return None;
            }
            let from = files.last()?.parent().unwrap_or(Path::new(""));
            let base = from.join(&next);
            let id = identity(&base);
            if seen.contains(&id) {
                return None;
            }
            let text = files::read_text(&base).ok()?;
            let parsed = overlay::parse(&text, files.len()).ok()?;
            files.push(base);
            seen.push(id);
            next = match parsed.extends() {
                Some((further, _)) => further.to_string(),
                None => {
                    docs.push(parsed);
                    break;
                }
            };
            docs.push(parsed);
        }
        let rules = Rules::for_type::<Scenario>();
        let mut docs = docs.into_iter().rev();
        let last = docs.next()?;
        let merged = docs.fold(last, |base, mut doc| {
            doc.remove_extends();
            doc.over(base, &rules)
        });
        Some(Bases {
            files,
            root: merged.root,
            rules,
        })
    }

    /// The value the overlay (whose tree is `overlay`) inherits at `path` when it leaves `path`
    /// out, if the merge would take it from the bases.
    pub fn inherited<'b>(&'b self, overlay: &Node, path: &FieldPath) -> Option<&'b Node> {
        let segments = path.segments();
        let (last, steps) = segments.split_last()?;
        let mut ours = overlay;
        let mut theirs = &self.root;
        for step in steps {
            (ours, theirs) = self.step(ours, theirs, step)?;
        }
        self.child(ours, theirs, last)
    }

    /// The file that wrote `node`, as its name and its full path.
    pub fn file_of(&self, node: &Node) -> (String, String) {
        let path = self.files.get(node.file).or(self.files.last());
        let full = path.map(|p| p.display().to_string()).unwrap_or_default();
        let name = path
            .and_then(|p| p.file_name())
            .map_or_else(|| full.clone(), |n| n.to_string_lossy().into_owned());
        (name, full)
    }

    /// One step down both trees, where the merge pairs the overlay's value with the base's.
    fn step<'o, 'b>(
        &'b self,
        ours: &'o Node,
        theirs: &'b Node,
        step: &Segment,
    ) -> Option<(&'o Node, &'b Node)> {
        let child = match (step, &ours.value) {
            (Segment::Field(name) | Segment::Key(name), Value::Struct { .. }) => ours.field(name),
            (Segment::Key(key), Value::Map(pairs)) => pairs
                .iter()
                .find(|p| p.key.identity() == Some(key))
                .map(|p| &p.value),
            (Segment::Index(i), Value::List(items)) => items.get(*i),
            _ => None,
        }?;
        Some((child, self.child(ours, theirs, step)?))
    }

    /// The base's value paired with the overlay's child at `step` (written or not).
    fn child<'b>(&'b self, ours: &Node, theirs: &'b Node, step: &Segment) -> Option<&'b Node> {
        match (&ours.value, &theirs.value, step) {
            (
                Value::Struct { name: o, .. },
                Value::Struct { name: b, .. },
                Segment::Field(field) | Segment::Key(field),
            ) if self.merges(b.as_deref(), o.as_deref()) => theirs.field(field),
            (Value::Map(_), Value::Map(pairs), Segment::Key(key)) => pairs
                .iter()
                .find(|p| p.key.identity() == Some(key))
                .map(|p| &p.value),
            (Value::List(o), Value::List(b), Segment::Index(i)) if by_id(o) && by_id(b) => {
                let id = id_of(o.get(*i)?)?;
                b.iter().find(|n| id_of(n) == Some(id))
            }
            _ => None,
        }
    }

    /// Whether structs named `base` and `overlay` merge (as `caseload::overlay` merges them).
    fn merges(&self, base: Option<&str>, overlay: Option<&str>) -> bool {
        let variant = |n: Option<&str>| n.is_some_and(|n| self.rules.is_struct_variant(n));
        !variant(base)
            && !variant(overlay)
            && (base.is_none() || overlay.is_none() || base == overlay)
    }
}

/// The inherited `node` as RON text, at no indentation.
pub fn printed(node: &Node) -> String {
    let doc = Document {
        attributes: Vec::new(),
        root: node.clone(),
    };
    overlay::print(&doc).text.trim_end().to_string()
}

/// The `id` of a struct element.
fn id_of(node: &Node) -> Option<&str> {
    node.field("id").and_then(Node::identity)
}

/// Whether a list merges by id: not empty, and every element a struct with an id.
fn by_id(items: &[Node]) -> bool {
    !items.is_empty() && items.iter().all(|n| id_of(n).is_some())
}

/// A path that names the same file however it is written (so cycles are found).
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn fields_left_out_are_inherited_where_the_merge_looks_into_the_base() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "base.ron",
            "Scenario(name: \"B\", calendar: (start: \"2019-01-01\", months: 60), \
             districts: [(id: \"a\", births_per_year: 10.0), (id: \"b\", births_per_year: 20.0)], \
             budget: Some((annual: 5.0)))",
        );
        write(
            dir.path(),
            "middle.ron",
            "Scenario(extends: \"base.ron\", calendar: (months: 24))",
        );
        let text = "Scenario(extends: \"middle.ron\", name: \"O\", calendar: (start: \"2020-01-01\"), \
                    districts: [(id: \"b\", staff: {})], budget: Some((other_costs: 1.0)))";
        let path = write(dir.path(), "overlay.ron", text);
        let doc = overlay::parse(text, 0).unwrap();
        let bases = Bases::read(&path, &doc).expect("the bases read");
        let root = FieldPath::root();
        let at = |p: &FieldPath| bases.inherited(&doc.root, p).map(printed);

        assert_eq!(
            at(&root.field("calendar").field("months")).as_deref(),
            Some("24")
        );
        let months = bases
            .inherited(&doc.root, &root.field("calendar").field("months"))
            .unwrap();
        assert_eq!(bases.file_of(months).0, "middle.ron");
        let births = root.field("districts").index(0).field("births_per_year");
        let node = bases.inherited(&doc.root, &births).expect("by id");
        assert_eq!(printed(node), "20.0");
        assert_eq!(bases.file_of(node).0, "base.ron");
        // `Some(..)` replaces the base's value whole: nothing inside it is inherited.
        assert_eq!(at(&root.field("budget").field("annual")), None);
        assert_eq!(at(&root.field("reviews")), None);
        assert!(at(&root.field("districts")).is_some());
    }

    #[test]
    fn unreadable_or_circular_bases_give_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let text = "Scenario(extends: \"missing.ron\")";
        let path = write(dir.path(), "o.ron", text);
        let doc = overlay::parse(text, 0).unwrap();
        assert!(Bases::read(&path, &doc).is_none());

        let text = "Scenario(extends: \"loop.ron\")";
        let path = write(dir.path(), "loop.ron", text);
        let doc = overlay::parse(text, 0).unwrap();
        assert!(
            Bases::read(&path, &doc).is_none(),
            "a file extending itself"
        );

        let plain = overlay::parse("Scenario(name: \"x\")", 0).unwrap();
        assert!(Bases::read(&path, &plain).is_none(), "not an overlay");
    }
}
