//! What every table, view and column of a kbingest database means: the one place these words are
//! kept. `kbingest metadata` gives them to Datasette, and `tests/docs.rs` checks that the tables of
//! README.md and docs/*.md say the same, so the three cannot drift apart. Columns another schema
//! version lacks are simply not found in a given database, so the catalog may describe more than
//! one database holds.
//! The views are in `views.rs`, the tables beneath them in `tables.rs`.

mod tables;
mod views;

/// A column of a table or view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDoc {
    /// The column's name.
    pub name: &'static str,
    /// Its declared type as the README gives it, e.g. `TEXT NOT NULL`.
    pub sql_type: &'static str,
    /// What it holds, as the README's "meaning" cell says it (Markdown).
    pub meaning: &'static str,
}

/// A table or view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationDoc {
    /// The table's or view's name.
    pub name: &'static str,
    /// Whether it is a view (else a table).
    pub is_view: bool,
    /// A short title for a browser such as Datasette.
    pub title: &'static str,
    /// What one row is, as the README says it: after the view's heading, or in the schema's
    /// "one row per" column for a table (Markdown).
    pub summary: &'static str,
    /// Its own columns, in order.
    pub columns: &'static [ColumnDoc],
    /// A relation whose columns come first (a view that extends another), if any.
    pub extends: Option<&'static str>,
    /// Columns worth counting values of (Datasette facets).
    pub facets: &'static [&'static str],
    /// The column rows are sorted by when first shown.
    pub sort: Option<&'static str>,
    /// The column that names a row, for links to it from other tables.
    pub label: Option<&'static str>,
}

pub(super) const fn col(name: &'static str, sql_type: &'static str, meaning: &'static str) -> ColumnDoc {
    ColumnDoc { name, sql_type, meaning }
}

/// `parts` one after the other, as one array of `N` columns, so that a table and the view over it
/// share the words of the columns they share. `N` must be the parts' total: another fails the build.
pub(super) const fn columns<const N: usize>(parts: &[&[ColumnDoc]]) -> [ColumnDoc; N] {
    let mut out = [col("", "", ""); N];
    let (mut part, mut n) = (0, 0);
    while part < parts.len() {
        let mut i = 0;
        while i < parts[part].len() {
            out[n] = parts[part][i];
            (i, n) = (i + 1, n + 1);
        }
        part += 1;
    }
    assert!(n == N, "the columns of the parts are not as many as said");
    out
}

pub(super) const BASE: RelationDoc = RelationDoc {
    name: "",
    is_view: false,
    title: "",
    summary: "",
    columns: &[],
    extends: None,
    facets: &[],
    sort: None,
    label: None,
};

impl RelationDoc {
    /// Every column in order, those of the relation it extends first.
    pub fn all_columns(&self) -> Vec<ColumnDoc> {
        let mut columns = self.extends.and_then(relation_doc).map(|base| base.all_columns()).unwrap_or_default();
        columns.extend_from_slice(self.columns);
        columns
    }

    /// The column called `name`, if the catalog describes it.
    pub fn column(&self, name: &str) -> Option<ColumnDoc> {
        self.all_columns().into_iter().find(|c| c.name == name)
    }
}

/// The table or view called `name`, if kbingest makes it.
pub fn relation_doc(name: &str) -> Option<&'static RelationDoc> {
    catalog().find(|r| r.name == name)
}

/// Every table and view kbingest makes, views first.
pub fn catalog() -> impl Iterator<Item = &'static RelationDoc> {
    views::VIEWS.iter().chain(tables::TABLES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_facet_and_sort_is_a_column() {
        let all: Vec<&RelationDoc> = catalog().collect();
        for (i, relation) in all.iter().enumerate() {
            assert!(all[..i].iter().all(|r| r.name != relation.name), "{} twice", relation.name);
            let columns = relation.all_columns();
            for (j, c) in columns.iter().enumerate() {
                assert!(columns[..j].iter().all(|d| d.name != c.name), "{}.{} twice", relation.name, c.name);
            }
            for name in relation.facets.iter().chain(relation.sort.iter()).chain(relation.label.iter()) {
                assert!(relation.column(name).is_some(), "{}: {name} is not a column", relation.name);
            }
        }
    }

    #[test]
    fn columns_joins_the_parts_in_order_and_tables_share_their_views_words() {
        let joined = columns::<3>(&[&[col("a", "TEXT", "")], &[col("b", "TEXT", ""), col("c", "TEXT", "")]]);
        assert_eq!(joined.map(|c| c.name), ["a", "b", "c"]);
        let view = relation_doc("anomalies").unwrap().column("message").unwrap();
        assert_eq!(relation_doc("anomaly_log").unwrap().column("message"), Some(view));
        let view = relation_doc("port_rules").unwrap().column("row_cells").unwrap();
        assert_eq!(relation_doc("service_ports").unwrap().column("row_cells"), Some(view));
    }

    #[test]
    fn a_view_that_extends_another_has_its_columns_first() {
        let extended = relation_doc("port_rules_registered").unwrap().all_columns();
        assert_eq!(extended[0].name, "source");
        assert_eq!(extended.last().unwrap().name, "registered_names");
        assert_eq!(extended.len(), views::PORT_RULES.len() + 1);
    }
}
