//! `docker buildx bake` files in HCL (`docker-bake.hcl`): the images each target builds (its
//! Dockerfile, context and stage) and the groups that name targets, which a `docker buildx bake
//! TARGET` command runs. Only literal strings are read; a value built from variables or
//! functions is left out, and the target then builds what bake's defaults say.

/// The most targets and groups read from one file.
const MAX_BLOCKS: usize = 256;
/// How deep `inherits` and groups of groups are followed.
const MAX_DEPTH: usize = 4;

/// One `target "name" { ... }` block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    /// `dockerfile = "..."`, relative to the context.
    pub dockerfile: Option<String>,
    /// `context = "..."`, relative to the bake file's folder.
    pub context: Option<String>,
    /// `target = "..."`: the stage it builds.
    pub stage: Option<String>,
    /// `inherits = ["base"]`: targets whose attributes it takes where it sets none.
    pub inherits: Vec<String>,
}

/// A bake file's targets and groups (`group "default" { targets = ["app"] }`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct BakeFile {
    pub targets: Vec<Target>,
    pub groups: Vec<(String, Vec<String>)>,
}

/// Reads the `target` and `group` blocks at the top level of an HCL bake file.
pub fn read(text: &str) -> BakeFile {
    let mut file = BakeFile::default();
    let mut depth = 0usize;
    // The block being read: a target, or a group's name and targets.
    let mut target: Option<Target> = None;
    let mut group: Option<(String, Vec<String>)> = None;
    // A list attribute spread over several lines (`targets = [\n "a",\n "b"\n]`).
    let mut open_list: Option<(String, String)> = None;
    for line in text.lines() {
        let code = without_comment(line).trim();
        if let Some((key, mut items)) = open_list.take() {
            items.push_str(code);
            match code.contains(']') {
                true => set_list(&key, &items, target.as_mut(), group.as_mut()),
                false => open_list = Some((key, items)),
            }
            continue;
        }
        if depth == 0 {
            let block = block_start(code);
            if file.targets.len() + file.groups.len() < MAX_BLOCKS {
                match block {
                    Some(("target", name)) => target = Some(Target { name, ..Target::default() }),
                    Some(("group", name)) => group = Some((name, Vec::new())),
                    _ => {}
                }
            }
        } else if depth == 1 {
            if let Some((key, value)) = code.split_once('=') {
                let key = key.trim();
                let value = value.trim();
                match value.starts_with('[') && !value.contains(']') {
                    true => open_list = Some((key.to_string(), value.to_string())),
                    false if value.starts_with('[') => set_list(key, value, target.as_mut(), group.as_mut()),
                    false => {
                        if let (Some(t), Some(text)) = (target.as_mut(), string_literal(value)) {
                            match key {
                                "dockerfile" => t.dockerfile = Some(text),
                                "context" => t.context = Some(text),
                                "target" => t.stage = Some(text),
                                _ => {}
                            }
                        }
                    }
                }
            }
        }
        depth = (depth + code.matches('{').count()).saturating_sub(code.matches('}').count());
        if depth == 0 {
            file.targets.extend(target.take());
            file.groups.extend(group.take());
        }
    }
    file
}

/// `target "name" {` or `group "name" {`: the kind and the name.
fn block_start(code: &str) -> Option<(&str, String)> {
    let (kind, rest) = code.split_once(char::is_whitespace)?;
    let name = string_literal(rest.trim().strip_suffix('{')?.trim())?;
    matches!(kind, "target" | "group").then_some((kind, name))
}

/// The text of a string literal with no interpolation (`"ops/Dockerfile"`).
fn string_literal(value: &str) -> Option<String> {
    let inner = value.trim().strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\']) && !inner.contains("${")).then(|| inner.to_string())
}

/// Sets a list attribute (`inherits`, a group's `targets`) from `["a", "b"]`.
fn set_list(key: &str, value: &str, target: Option<&mut Target>, group: Option<&mut (String, Vec<String>)>) {
    let items = || {
        let inner = value.trim().trim_start_matches('[');
        let inner = inner.split(']').next().unwrap_or_default();
        inner.split(',').filter_map(string_literal).take(MAX_BLOCKS).collect::<Vec<String>>()
    };
    match (key, target, group) {
        ("inherits", Some(t), _) => t.inherits = items(),
        ("targets", _, Some((_, targets))) => *targets = items(),
        _ => {}
    }
}

/// The line without a `#` or `//` comment (outside strings).
fn without_comment(line: &str) -> &str {
    let mut in_string = false;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_string = !in_string,
            b'#' if !in_string => return &line[..i],
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

impl BakeFile {
    /// The targets a `bake` command naming `names` builds: each target named, or every target
    /// of a group named; with no name, the `default` group or target. Unknown names build
    /// nothing; `None` (a name this reader could not know) builds any target.
    pub fn built(&self, names: Option<&[String]>) -> Vec<Target> {
        let mut chosen: Vec<String> = Vec::new();
        match names {
            None => chosen.extend(self.targets.iter().map(|t| t.name.clone())),
            Some([]) => self.expand("default", 0, &mut chosen),
            Some(names) => names.iter().for_each(|n| self.expand(n, 0, &mut chosen)),
        }
        chosen.iter().filter_map(|name| self.resolved(name, 0)).collect()
    }

    /// Adds the targets `name` stands for: a group's, or the target itself.
    fn expand(&self, name: &str, depth: usize, out: &mut Vec<String>) {
        if depth > MAX_DEPTH || out.len() >= MAX_BLOCKS {
            return;
        }
        match self.groups.iter().find(|(g, _)| g == name) {
            Some((_, members)) => members.iter().for_each(|m| self.expand(m, depth + 1, out)),
            None if self.targets.iter().any(|t| t.name == name) && !out.iter().any(|o| o == name) => {
                out.push(name.to_string());
            }
            None => {}
        }
    }

    /// The target `name` with what it inherits filled in.
    fn resolved(&self, name: &str, depth: usize) -> Option<Target> {
        let mut target = self.targets.iter().find(|t| t.name == name)?.clone();
        if depth < MAX_DEPTH {
            for parent in target.inherits.clone() {
                let Some(p) = self.resolved(&parent, depth + 1) else { continue };
                target.dockerfile = target.dockerfile.or(p.dockerfile);
                target.context = target.context.or(p.context);
                target.stage = target.stage.or(p.stage);
            }
        }
        Some(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
variable "TAG" {
  default = "dev"
}
group "default" {
  targets = ["node", "batcher"]
}
target "base" {
  dockerfile = "ops/docker/Dockerfile" # shared
  context = "."
}
target "node" {
  inherits = ["base"]
  target = "node-target"
  tags = ["${REGISTRY}/node:${TAG}"]
}
target "batcher" {
  inherits = ["base"]
  target = "batcher-target"
}
target "tools" {
  dockerfile = "tools.Dockerfile"
  args = {
    GO = "1.27"
  }
}
"#;

    #[test]
    fn targets_groups_and_inheritance() {
        let file = read(FILE);
        assert_eq!(file.groups, [("default".to_string(), vec!["node".to_string(), "batcher".to_string()])]);
        let built = file.built(Some(&[]));
        let stages: Vec<_> = built.iter().map(|t| (t.dockerfile.as_deref(), t.stage.as_deref())).collect();
        assert_eq!(
            stages,
            [
                (Some("ops/docker/Dockerfile"), Some("node-target")),
                (Some("ops/docker/Dockerfile"), Some("batcher-target"))
            ]
        );
        assert_eq!(file.built(Some(&["tools".to_string()]))[0].dockerfile.as_deref(), Some("tools.Dockerfile"));
        assert_eq!(file.built(None).len(), 4);
        assert!(file.built(Some(&["missing".to_string()])).is_empty());
    }

    #[test]
    fn inheritance_cycles_and_unbalanced_text_end() {
        let file =
            read("target \"a\" {\n  inherits = [\"b\"]\n}\ntarget \"b\" {\n  inherits = [\"a\"]\n}\ntarget \"c\" {\n");
        assert_eq!(file.built(None).len(), 2);
    }
}
