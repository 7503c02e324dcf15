//! Go source parsed by tree-sitter-go: the one Go parser of this crate, shared by the `-X`
//! declaration reader (`gosrc`) and the build-program reader (`goprog`).
//!
//! Bounded for text from strangers: parsing stops after a number of parser steps proportional to
//! the text's length (tree-sitter reports its progress every hundred operations), and the helpers
//! here walk trees with a cursor, never by recursion, so a deeply nested file costs no stack.

use std::ops::ControlFlow;
use tree_sitter::{Node, ParseOptions, Parser, Tree};

/// Progress reports allowed per byte of text, plus a floor for small files: a hundred parser
/// operations a byte is far above what real Go takes (about one) and bounds error recovery.
const REPORTS_PER_BYTE: usize = 1;
const REPORTS_FLOOR: usize = 10_000;

/// Parses Go text; `None` when the parser gave up (its step budget ran out).
pub fn parse(text: &str) -> Option<Tree> {
    let mut parser = Parser::new();
    parser.set_language(&tree_sitter_go::LANGUAGE.into()).ok()?;
    let budget = text.len().saturating_mul(REPORTS_PER_BYTE).saturating_add(REPORTS_FLOOR);
    let mut reports = 0usize;
    let mut progress = |_: &tree_sitter::ParseState| {
        reports += 1;
        if reports > budget { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    };
    let bytes = text.as_bytes();
    let mut read = |at: usize, _| bytes.get(at..).unwrap_or_default();
    parser.parse_with_options(&mut read, None, Some(ParseOptions::new().progress_callback(&mut progress)))
}

/// The source text a node spans.
pub fn text_of<'t>(node: Node, text: &'t str) -> &'t str {
    text.get(node.byte_range()).unwrap_or_default()
}

/// The 1-based line a node starts on.
pub fn line_of(node: Node) -> usize {
    node.start_position().row + 1
}

/// A node's named children, in order.
pub fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// The children a field names (`name` of a `var_spec` may name several).
pub fn field_children<'t>(node: Node<'t>, field: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children_by_field_name(field, &mut cursor).collect()
}

/// Every node below `node` in document order, the node itself first, without recursion.
/// `descend` decides, for each node visited, whether its children are visited too.
pub fn descendants<'t>(node: Node<'t>, mut descend: impl FnMut(Node<'t>) -> bool) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    loop {
        let current = cursor.node();
        out.push(current);
        if descend(current) && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == node {
                return out;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}

/// The nodes from `top` down to `node`'s parent, outermost first (empty when `node` is not
/// below `top`): each step asks only the children of one node, where `Node::parent` would walk
/// from the root each time.
pub fn ancestors<'t>(top: Node<'t>, node: Node<'t>) -> Vec<Node<'t>> {
    let mut path = Vec::new();
    let mut at = top;
    while at != node {
        let Some(child) = at.child_with_descendant(node) else { return Vec::new() };
        path.push(at);
        at = child;
    }
    path
}

/// The value of a Go string literal node (interpreted `"..."` with its escapes decoded, or raw
/// `` `...` `` without carriage returns, as the Go spec says); `None` for any other node.
pub fn string_value(node: Node, text: &str) -> Option<String> {
    match node.kind() {
        "raw_string_literal" => {
            let inner = text_of(node, text);
            Some(inner.strip_prefix('`')?.strip_suffix('`').unwrap_or_default().replace('\r', ""))
        }
        "interpreted_string_literal" => {
            let mut value = String::new();
            for part in named_children(node) {
                let written = text_of(part, text);
                match part.kind() {
                    "escape_sequence" => decode_escape(written, &mut value),
                    _ => value.push_str(written),
                }
            }
            Some(value)
        }
        _ => None,
    }
}

/// One escape sequence of an interpreted string literal; the numeric forms the build programs
/// never use stay as written.
fn decode_escape(escape: &str, into: &mut String) {
    let decoded = match escape {
        "\\n" => '\n',
        "\\t" => '\t',
        "\\r" => '\r',
        "\\\"" => '"',
        "\\\\" => '\\',
        "\\'" => '\'',
        _ => {
            into.push_str(escape);
            return;
        }
    };
    into.push(decoded);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_walks() {
        let text = "package p\nvar a = \"x\\ty\\u00e9\" + `r\r\naw`\n";
        let tree = parse(text).expect("parses");
        let strings: Vec<String> =
            descendants(tree.root_node(), |_| true).into_iter().filter_map(|n| string_value(n, text)).collect();
        assert_eq!(strings, ["x\ty\\u00e9", "r\naw"]);
    }

    #[test]
    fn hostile_text_is_bounded() {
        let deep = format!("package p\nvar a = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
        if let Some(tree) = parse(&deep) {
            assert!(descendants(tree.root_node(), |_| true).len() > 100_000);
        }
        let junk = "}{)(][".repeat(50_000);
        let _ = parse(&junk);
        let _ = parse("");
        let _ = parse("\"");
    }
}
