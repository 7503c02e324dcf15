//! Go programs that run the build: a `build-release-binaries/main.go` or `cross-compile.go` that
//! calls `exec.Command("go", "build", args...)`. Each such call is read into the same command
//! form a shell script gives (argv and environment, each argument located at the Go expression
//! it came from), so every build rule judges it.
//!
//! The file is parsed by tree-sitter-go (`goast`); the evaluation is partial, per function:
//! string literals, `+`, named constants and variables (the last assignment before the use, `+=`
//! and `append` included, conditional ones too), `[]string{...}`, `args...`, `args[1:]...`,
//! `fmt.Sprintf`, `strings.Join`, `strings.Split`, `filepath.Join`, `os.Getenv` and `cmd.Env =
//! append(os.Environ(), ...)`. A function with parameters is read once per call site in the file,
//! and a command inside `for ... range` loops over literal tables once per row. Anything else is
//! a hole that keeps its Go text and what it reads (the clock, the host, a flag the caller sets).

use std::cell::{Cell, RefCell};
use tree_sitter::Node;

use super::goast;
use super::shell::{Part, SimpleCommand, Word};
use super::value::{Builder, Hole, Origin, Piece, Provenance, Value};

/// The deepest expression or variable chain followed.
const MAX_DEPTH: usize = 32;
/// The most expression evaluations for one file.
const MAX_STEPS: usize = 200_000;
/// The most `exec.Command` builds kept from one file.
const MAX_COMMANDS: usize = 256;

/// One command a Go program runs, as a shell would have run it.
#[derive(Clone, Debug)]
pub struct GoCommand {
    pub command: SimpleCommand,
    pub argv: Vec<Value>,
    /// `cmd.Env` entries and `os.Setenv` calls of the program, in order.
    pub env: Vec<(String, Value)>,
    /// The function the call sits in.
    pub function: String,
    /// Where the values of this run were chosen, outermost first: the call sites it was read
    /// through and the tables of the loops around them (`build("darwin", "arm64")`, a platform
    /// table's rows).
    pub chosen_at: Vec<(usize, usize)>,
}

impl GoCommand {
    /// What tells two commands apart: where they are, their arguments and their environment.
    fn identity(&self) -> (usize, usize, Vec<String>, Vec<String>) {
        let argv = self.argv.iter().map(Value::display).collect();
        let env = self.env.iter().map(|(k, v)| format!("{k}={}", v.display())).collect();
        (self.command.start, self.command.end, argv, env)
    }
}

/// The commands of a Go program that may build, and why reading stopped early, if it did.
#[derive(Debug, Default)]
pub struct GoProgram {
    pub commands: Vec<GoCommand>,
    pub note: Option<String>,
}

/// Whether a Go file may be a build program: a `main` package that runs commands and names
/// `build` or `install`. Cheap, on the text, before parsing.
pub fn may_build(text: &str) -> bool {
    text.contains("package main")
        && text.contains("\"os/exec\"")
        && (text.contains("\"build\"") || text.contains("\"install\""))
}

/// What a Go expression evaluates to.
#[derive(Clone, Debug)]
enum GoValue {
    Text(Value),
    /// A `[]string`: each element with the span of the expression it came from.
    List(Vec<(Value, (usize, usize))>),
    /// A struct literal's string fields by name (`{GOOS: "linux", GOARCH: "arm64"}`).
    Record(Vec<(String, Value)>),
    /// A table a function is given to range over (`buildTargets(dir, targets)` with a map of
    /// platforms): its entries and where it is written.
    Table(Table),
}

/// One run of a `for ... range` loop: the body's byte range and its variables' values.
#[derive(Clone, Debug)]
struct LoopRun {
    body: (usize, usize),
    values: Vec<(String, GoValue)>,
    /// Where the table the loop ranges over is written.
    table: (usize, usize),
}

/// The most iterations of one loop read, the most runs of one command over nested loops, and
/// the most loops around it read (the innermost; real build programs nest two or three).
const MAX_ITERATIONS: usize = 64;
const MAX_LOOP_RUNS: usize = 256;
const MAX_NESTED_LOOPS: usize = 8;

/// Parameter names and the values a call site gives them.
type Bindings = Vec<(String, GoValue)>;

/// A table's entries, (index or key, element), and where it is written.
type Table = (Vec<(GoValue, GoValue)>, (usize, usize));

/// A call of a function: its span, its parameters' values there, and where those were chosen
/// (see `GoCommand::chosen_at`).
type CallSite = ((usize, usize), Bindings, Vec<(usize, usize)>);

/// An assignment to one name: `name := e`, `name = e`, `name += e`, `var name T = e`.
struct Assignment<'a> {
    name: String,
    add: bool,
    expr: Node<'a>,
    /// Where the name is written (for "before this use").
    at: usize,
    /// Where the block the assignment sits in closes: a use after it only maybe sees it.
    block_end: usize,
    /// The `if` whose branch that block is, and whether it is the branch taken when the
    /// condition holds.
    guard: Guard<'a>,
}

/// The `if` statement whose branch a block is, and whether it is the branch taken when the
/// condition holds.
type Guard<'a> = Option<(Node<'a>, bool)>;

/// Assignments in order, found by name without a scan (a hostile file may have thousands).
#[derive(Default)]
struct Assignments<'a> {
    all: Vec<Assignment<'a>>,
    by_name: std::collections::HashMap<String, Vec<usize>>,
}

impl<'a> Assignments<'a> {
    fn from(all: Vec<Assignment<'a>>) -> Assignments<'a> {
        let mut out = Assignments::default();
        out.extend(all);
        out
    }

    fn extend(&mut self, more: Vec<Assignment<'a>>) {
        for a in more {
            self.by_name.entry(a.name.clone()).or_default().push(self.all.len());
            self.all.push(a);
        }
    }

    /// The assignments to `name`, in order.
    fn named(&self, name: &str) -> impl DoubleEndedIterator<Item = &Assignment<'a>> {
        self.by_name.get(name).into_iter().flatten().map(|&i| &self.all[i])
    }
}

/// A function or method declaration.
struct Function<'a> {
    name: String,
    body: Node<'a>,
    params: Vec<String>,
    /// Whether the last parameter is variadic (`args ...string`).
    variadic: bool,
    /// Assignments inside the body, in order.
    locals: Assignments<'a>,
    /// Its `exec.Command` calls and its `X.Env = ...` statements, in order (read once: a
    /// command's environment is looked for between it and the next).
    commands: Vec<Node<'a>>,
    env_sets: Vec<Node<'a>>,
    /// Its `ch <- value` statements, in order: what the channels it makes carry.
    sends: Vec<Node<'a>>,
    /// What its `return` statements return (not those inside a function literal), when each
    /// returns one expression: a call of it has one of their values.
    returned: Option<Vec<Node<'a>>>,
}

struct Reader<'a> {
    text: &'a str,
    functions: Vec<Function<'a>>,
    /// Package-level `var` and `const` specs.
    globals: Assignments<'a>,
    /// Every call expression of the file, in order.
    calls: Vec<Node<'a>>,
    /// Package-level type declarations (a platform table's struct type).
    types: Vec<(String, Node<'a>)>,
    /// The loop runs a command is being read in, outermost first.
    loops: RefCell<Vec<LoopRun>>,
    steps: Cell<usize>,
    stopped: RefCell<Option<String>>,
    /// Functions' parameters bound to a call site's arguments while their commands are read as
    /// that call runs them, innermost last: `compileArch(goos, ...)` called from `main`'s loop,
    /// which calls `runEnv(args, env)`.
    bound: RefCell<Vec<(usize, Bindings)>>,
    /// Functions (not methods) by name, the first declaration of each.
    by_name: std::collections::HashMap<String, usize>,
    /// The functions whose `return` is being evaluated for a call, innermost last.
    calling: RefCell<Vec<usize>>,
}

/// The most call sites of one function read, each as its own run of the function's commands,
/// and the most callers' callers followed.
const MAX_CALL_SITES: usize = 16;
const MAX_CALL_LEVELS: usize = 3;
/// The most calls of the file's functions evaluated inside one another for what they return,
/// and the most `return` statements of one function read.
const MAX_NESTED_CALLS: usize = 8;
const MAX_RETURNS: usize = 4;

/// Reads the commands a Go build program runs.
pub fn read(text: &str) -> GoProgram {
    let Some(tree) = goast::parse(text) else {
        return GoProgram {
            commands: Vec::new(),
            note: Some("evaluation stopped: the Go parser's budget ran out".into()),
        };
    };
    let r = Reader::new(text, tree.root_node());
    let setenv = r.setenv_calls();
    let mut commands = Vec::new();
    for f in 0..r.functions.len() {
        // A function with parameters is read as each caller in the file runs it, so that
        // `build("darwin", "arm64")` is a darwin build; with no caller, its parameters are holes.
        let sites = r.call_sites(f, 0);
        for &call in &r.functions[f].commands {
            if commands.len() >= MAX_COMMANDS || r.stopped.borrow().is_some() {
                break;
            }
            let mut per_caller = Vec::new();
            let read_in_loops = |chosen: &[(usize, usize)]| {
                r.in_loops(f, call, || {
                    let mut c = r.command_at(f, call, &setenv)?;
                    c.chosen_at = chosen.iter().copied().chain(r.loop_tables()).collect();
                    Some(c)
                })
            };
            for (site, bound, chosen) in &sites {
                r.bound.borrow_mut().push((f, bound.clone()));
                per_caller.extend(read_in_loops(chosen).into_iter().flatten().map(|c| (*site, c)));
                r.bound.borrow_mut().pop();
            }
            // One command per run of the loops around the call (`for _, p := range platforms`).
            let direct: Vec<GoCommand> = read_in_loops(&[]).into_iter().flatten().collect();
            if !direct.is_empty() && per_caller.is_empty() {
                commands.extend(direct);
                continue;
            }
            // `runEnv(args, env)`, whose command comes from the parameters, covers the call
            // sites that give it.
            let from_parameters = direct.is_empty();
            commands.extend(per_caller.into_iter().map(|(site, mut c)| {
                if from_parameters {
                    c.command.start = c.command.start.min(site.0);
                    c.command.end = c.command.end.max(site.1);
                }
                c
            }));
        }
    }
    // A function called twice with the same arguments runs one build twice: it is one command.
    let mut seen = std::collections::HashSet::new();
    commands.retain(|c| seen.insert(c.identity()));
    commands.truncate(MAX_COMMANDS);
    let note = r.stopped.into_inner();
    GoProgram { commands, note }
}

/// A Go program of the repository that a build file runs with `go run` to take what it prints
/// (`LDFLAGS := $(shell go run buildscripts/gen-ldflags.go)`), or a shell script it runs so
/// (`$(shell ./scripts/ldflags.sh LDFLAG)`).
#[derive(Clone, Debug)]
pub struct PrintingProgram {
    /// The program as the build file writes it after `go run` (`buildscripts/gen-ldflags.go`,
    /// `./tools/ldflags`); for a script, its path and literal arguments (`scripts/ldflags.sh
    /// LDFLAG`).
    pub written: String,
    /// A shell script, not a Go program.
    pub script: bool,
    /// Its Go file or script, as the scan shows it.
    pub path: String,
    pub text: String,
    /// What it prints (see [`printed`] and `eval::script_printed`).
    pub output: Value,
}

impl PrintingProgram {
    /// Sets `env` up so that `$(go run PROGRAM)` or `$(SCRIPT ARGS)` there is what this program
    /// prints.
    pub fn give_to(programs: &[PrintingProgram], env: &mut super::eval::Env) {
        for p in programs {
            env.set(&p.variable(), p.output.clone(), false);
        }
    }

    /// The variable a reader holds its output in (see `eval::printed_variable`).
    pub fn variable(&self) -> String {
        match self.script {
            true => super::eval::script_output_variable(&self.written),
            false => super::eval::printed_variable(&self.written),
        }
    }

    /// Whether a build file's text runs it.
    pub fn is_run_in(&self, text: &str) -> bool {
        let program = self.written.split_whitespace().next().unwrap_or_default();
        (self.script || text.contains("go run")) && text.contains(program)
    }
}

/// The most programs `programs_run` gives, and how much of the line after each `go run` it reads.
const MAX_PROGRAMS_RUN: usize = 32;
const MAX_RUN_LINE: usize = 1024;

/// The programs of the repository a build file's text runs with `go run` (`go run
/// buildscripts/gen-ldflags.go`, `go run -tags x ./tools/ldflags "$1"`), as written after the
/// build flags, without `./`: not one named through a variable, nor a module path
/// (`example.com/x/cmd/gen@v1`), which is not the repository's.
pub fn programs_run(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (at, _) in text.match_indices("go run ").take(16 * MAX_PROGRAMS_RUN) {
        if out.len() >= MAX_PROGRAMS_RUN {
            break;
        }
        // The words after it on its line, of which the first few are looked at.
        let rest = &text[at + "go run ".len()..];
        let mut end = rest.len().min(MAX_RUN_LINE);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let line = rest[..end].lines().next().unwrap_or_default();
        let words: Vec<&str> = line.split_whitespace().map(|w| w.trim_matches(['"', '\'', ')', '(', ';'])).collect();
        let known = words.iter().map(|w| (!w.contains(['$', '`'])).then_some(*w));
        let Some(written) = super::gobuild::go_run_program(known).map(|k| words[k]) else { continue };
        let written = super::eval::without_dot_slash(written).trim_end_matches('/');
        // `example.com/tools/gen`: a first element with a dot that is no `..` and no file name.
        let first = written.split('/').next().unwrap_or_default();
        let module_path = written.contains('@') || first.contains('.') && first != ".." && !written.ends_with(".go");
        if !(written.is_empty() || module_path || written.starts_with('/') || out.iter().any(|w| w == written)) {
            out.push(written.to_string());
        }
    }
    out
}

/// What a Go program prints on its standard output, for the build files that take it
/// (`LDFLAGS := $(shell go run buildscripts/gen-ldflags.go)`): the print calls written as
/// statements of `main` (`fmt.Println(genLDFlags(version))`), in order, evaluated as the
/// program's commands are (the file's functions return what their `return` says, `os.Getenv`
/// is a hole from the environment, `os.Args` one the caller fills), without the final newline
/// that command substitution drops. `None` when `main` prints nothing so.
pub fn printed(text: &str) -> Option<Value> {
    let tree = goast::parse(text)?;
    let r = Reader::new(text, tree.root_node());
    let &main = r.by_name.get("main")?;
    let statements = goast::named_children(r.functions[main].body)
        .into_iter()
        .flat_map(|n| if n.kind() == "statement_list" { goast::named_children(n) } else { vec![n] });
    let mut out = Builder::default();
    let mut printed_any = false;
    for statement in statements.filter(|n| n.kind() == "expression_statement") {
        let Some(call) = goast::named_children(statement).into_iter().find(|n| n.kind() == "call_expression") else {
            continue;
        };
        let Some(text) = r.print_call(main, call) else { continue };
        out.push(&text);
        printed_any = true;
    }
    let value = out.build();
    (printed_any && r.stopped.borrow().is_none()).then(|| without_final_newlines(value))
}

/// A value without the newlines that end it (what `$(...)` drops), where its end is text.
fn without_final_newlines(value: Value) -> Value {
    match value {
        Value::Known(s) => Value::known(s.trim_end_matches('\n').to_string()),
        Value::Partial(mut pieces) => {
            if let Some(Piece::Text(t)) = pieces.last_mut() {
                t.truncate(t.trim_end_matches('\n').len());
            }
            let mut b = Builder::default();
            for p in pieces {
                match p {
                    Piece::Text(t) => b.push_str(&t),
                    Piece::Hole(h) => b.push_hole(h),
                }
            }
            b.build()
        }
    }
}

impl<'a> Reader<'a> {
    /// What a call in function `f` writes to standard output: `fmt.Print`, `fmt.Println`,
    /// `fmt.Printf`, their `Fprint` forms and `io.WriteString` given `os.Stdout`, and
    /// `os.Stdout.WriteString`. `None` for any other call.
    fn print_call(&self, f: usize, call: Node<'a>) -> Option<Value> {
        let callee = self.text_of(call.child_by_field_name("function")?);
        let mut args = self.arguments(call);
        // The verb, and whether the first argument is the file written to.
        let (verb, to_file) = match callee {
            "fmt.Print" | "os.Stdout.WriteString" => ("Print", false),
            "fmt.Println" => ("Println", false),
            "fmt.Printf" => ("Printf", false),
            "fmt.Fprint" | "io.WriteString" => ("Print", true),
            "fmt.Fprintln" => ("Println", true),
            "fmt.Fprintf" => ("Printf", true),
            _ => return None,
        };
        if to_file {
            if args.first().map(|a| self.text_of(*a)) != Some("os.Stdout") {
                return None;
            }
            args.remove(0);
        }
        if verb == "Printf" {
            return self.sprintf(f, &args, 0);
        }
        let mut b = Builder::default();
        for (k, &arg) in args.iter().enumerate() {
            // Println separates its operands with spaces; Print only operands that are not
            // strings, which build programs print as strings.
            if k > 0 && verb == "Println" {
                b.push_str(" ");
            }
            b.push(&self.text_value(f, arg, 0));
        }
        if verb == "Println" {
            b.push_str("\n");
        }
        Some(b.build())
    }

    /// Indexes functions, their parameters and assignments, package-level specs and calls.
    fn new(text: &'a str, root: Node<'a>) -> Reader<'a> {
        let mut r = Reader {
            text,
            functions: Vec::new(),
            globals: Assignments::default(),
            calls: Vec::new(),
            types: Vec::new(),
            loops: RefCell::default(),
            steps: Cell::default(),
            stopped: RefCell::default(),
            bound: RefCell::default(),
            by_name: std::collections::HashMap::new(),
            calling: RefCell::default(),
        };
        // Declarations after a syntax error sit in an ERROR node at the top.
        let top = goast::named_children(root)
            .into_iter()
            .flat_map(|n| if n.is_error() { goast::named_children(n) } else { vec![n] });
        for node in top {
            match node.kind() {
                "function_declaration" | "method_declaration" => {
                    let Some(body) = node.child_by_field_name("body") else { continue };
                    let (params, variadic) =
                        node.child_by_field_name("parameters").map_or((Vec::new(), false), |p| r.parameters(p));
                    let name = node.child_by_field_name("name").map_or("", |n| goast::text_of(n, text)).to_string();
                    if node.kind() == "function_declaration" {
                        r.by_name.entry(name.clone()).or_insert(r.functions.len());
                    }
                    let statements = goast::descendants(body, |_| true);
                    // A function literal's `return` is its own, not this function's (the walk
                    // meets a literal before what it holds).
                    let mut literal_end = 0;
                    let own_returns: Vec<Node<'a>> = statements
                        .iter()
                        .filter(|n| {
                            if n.kind() == "func_literal" {
                                literal_end = literal_end.max(n.end_byte());
                            }
                            n.kind() == "return_statement" && n.start_byte() >= literal_end
                        })
                        .copied()
                        .collect();
                    // One expression per `return`, or the calls are not read.
                    let single = |n: &Node<'a>| match goast::named_children(*n).as_slice() {
                        [list] if list.kind() == "expression_list" => match goast::named_children(*list).as_slice() {
                            [one] => Some(*one),
                            _ => None,
                        },
                        _ => None,
                    };
                    let returned: Option<Vec<Node<'a>>> = own_returns.iter().map(single).collect();
                    // Types declared inside it (`type job struct{ GOOS, GOARCH string }`) name
                    // the rows of its tables too.
                    for spec in statements.iter().filter(|n| n.kind() == "type_spec") {
                        if let (Some(name), Some(t)) =
                            (spec.child_by_field_name("name"), spec.child_by_field_name("type"))
                        {
                            r.types.push((r.text_of(name).to_string(), t));
                        }
                    }
                    let sends = statements.iter().filter(|n| n.kind() == "send_statement").copied().collect();
                    r.functions.push(Function {
                        name,
                        body,
                        params,
                        variadic,
                        locals: Assignments::from(r.assignments(body)),
                        commands: Vec::new(),
                        env_sets: statements.into_iter().filter(|a| r.sets_env(*a)).collect(),
                        sends,
                        returned,
                    });
                }
                "var_declaration" | "const_declaration" => r.globals.extend(r.assignments(node)),
                "type_declaration" => {
                    for spec in goast::named_children(node).into_iter().filter(|n| n.kind() == "type_spec") {
                        if let (Some(name), Some(t)) =
                            (spec.child_by_field_name("name"), spec.child_by_field_name("type"))
                        {
                            r.types.push((r.text_of(name).to_string(), t));
                        }
                    }
                }
                _ => {}
            }
        }
        r.calls = goast::descendants(root, |_| true).into_iter().filter(|n| n.kind() == "call_expression").collect();
        for f in 0..r.functions.len() {
            r.functions[f].commands = r.exec_calls(f);
        }
        r
    }

    fn text_of(&self, node: Node) -> &'a str {
        goast::text_of(node, self.text)
    }

    fn stop(&self, why: String) {
        self.stopped.borrow_mut().get_or_insert(why);
    }

    /// A parameter list's names, and whether the last is variadic.
    fn parameters(&self, list: Node<'a>) -> (Vec<String>, bool) {
        let mut names = Vec::new();
        let mut variadic = false;
        for declaration in goast::named_children(list) {
            variadic = declaration.kind() == "variadic_parameter_declaration";
            names.extend(goast::field_children(declaration, "name").into_iter().map(|n| self.text_of(n).to_string()));
        }
        (names, variadic)
    }

    /// Every single-name assignment under `node`, in order, with the block each sits in.
    fn assignments(&self, node: Node<'a>) -> Vec<Assignment<'a>> {
        let mut out = Vec::new();
        let listed = |list: Option<Node<'a>>| list.map(goast::named_children).unwrap_or_default();
        // Walked with each node's innermost block and the `if` branch that block is, kept on the
        // way down (a node's parent costs tree-sitter a walk from the root).
        let mut stack: Vec<(Node<'a>, Option<Node<'a>>, Guard<'a>)> = vec![(node, None, None)];
        while let Some((n, block, guard)) = stack.pop() {
            let children = goast::named_children(n);
            for &c in children.iter().rev() {
                let (c_block, c_guard) = match c.kind() {
                    "block" => {
                        let branch =
                            (n.kind() == "if_statement").then(|| (n, n.child_by_field_name("consequence") == Some(c)));
                        (Some(c), branch)
                    }
                    _ => (block, guard),
                };
                stack.push((c, c_block, c_guard));
            }
            // Names and values pair up: `goos, goarch := parts[0], parts[1]`; `a, b := f()`
            // gives neither one string or list.
            let (names, values, add) = match n.kind() {
                "short_var_declaration" | "assignment_statement" => {
                    let operator = n.child_by_field_name("operator").map_or(":=", |o| o.kind());
                    if !matches!(operator, ":=" | "=" | "+=") {
                        continue;
                    }
                    let names = listed(n.child_by_field_name("left"));
                    (names, listed(n.child_by_field_name("right")), operator == "+=")
                }
                // `var selected []string` starts empty: its type stands for its zero value.
                "var_spec" if n.child_by_field_name("value").is_none() => {
                    let names = goast::field_children(n, "name");
                    let Some(t) = n.child_by_field_name("type").filter(|t| t.kind() == "slice_type") else { continue };
                    let zeros = vec![t; names.len()];
                    (names, zeros, false)
                }
                "var_spec" | "const_spec" => {
                    (goast::field_children(n, "name"), listed(n.child_by_field_name("value")), false)
                }
                _ => continue,
            };
            if names.len() != values.len() {
                continue;
            }
            let block_end = block.map_or(node.end_byte(), |b| b.end_byte());
            // `a.b = x` sets a field: not one string or list.
            for (name, expr) in names.into_iter().zip(values).filter(|(name, _)| name.kind() == "identifier") {
                out.push(Assignment {
                    name: self.text_of(name).to_string(),
                    add,
                    expr,
                    at: name.start_byte(),
                    block_end,
                    guard,
                });
            }
        }
        out
    }

    /// The `exec.Command` and `exec.CommandContext` calls in function `f`'s body, in order.
    fn exec_calls(&self, f: usize) -> Vec<Node<'a>> {
        let body = self.functions[f].body.byte_range();
        let inside = |c: &&Node<'a>| body.start <= c.start_byte() && c.end_byte() <= body.end;
        let first = self.calls.partition_point(|c| c.start_byte() < body.start);
        let mut out: Vec<Node<'a>> = Vec::new();
        for &call in self.calls[first..].iter().take_while(|c| c.start_byte() < body.end).filter(inside) {
            // A command nested in another's arguments is not run by this call site.
            if out.last().is_some_and(|o| call.end_byte() <= o.end_byte()) {
                continue;
            }
            if self.is_exec(call) {
                out.push(call);
            }
        }
        out
    }

    fn is_exec(&self, call: Node<'a>) -> bool {
        matches!(
            call.child_by_field_name("function").map(|f| self.text_of(f)),
            Some("exec.Command" | "exec.CommandContext")
        )
    }

    fn arguments(&self, call: Node<'a>) -> Vec<Node<'a>> {
        call.child_by_field_name("arguments")
            .map(goast::named_children)
            .unwrap_or_default()
            .into_iter()
            .filter(|n| n.kind() != "comment")
            .collect()
    }

    /// The command an `exec.Command` call of function `f` runs.
    fn command_at(&self, f: usize, call: Node<'a>, setenv: &[(String, Value)]) -> Option<GoCommand> {
        let mut args = self.arguments(call);
        let with_context = call.child_by_field_name("function").is_some_and(|n| self.text_of(n).ends_with("Context"));
        if with_context && !args.is_empty() {
            args.remove(0);
        }
        let argv = self.spread(f, args, 0);
        if argv.first()?.0.as_known() != Some("go") {
            return None;
        }
        // The command covers the call and the arguments it was given, which may be written
        // before it (`args := []string{"build", ...}`).
        let start = argv.iter().map(|(_, (s, _))| *s).fold(call.start_byte(), usize::min);
        let end = argv.iter().map(|(_, (_, e))| *e).fold(call.end_byte(), usize::max);
        let words = argv
            .iter()
            .map(|(v, (s, e))| Word { parts: vec![Part::Double(vec![Part::Lit(v.display())])], start: *s, end: *e })
            .collect();
        let command = SimpleCommand {
            assigns: Vec::new(),
            arrays: Vec::new(),
            after: "",
            words,
            writes_to: Vec::new(),
            here_string: None,
            start,
            end,
            in_subshell: false,
            nested: Vec::new(),
        };
        let mut env = setenv.to_vec();
        env.extend(self.command_environment(f, call));
        let function = self.functions[f].name.clone();
        Some(GoCommand {
            command,
            argv: argv.into_iter().map(|(v, _)| v).collect(),
            env,
            function,
            chosen_at: Vec::new(),
        })
    }

    /// A call argument, with `x...` spread into a list.
    fn argument(&self, f: usize, node: Node<'a>, depth: usize) -> GoValue {
        if node.kind() == "variadic_argument" {
            let Some(inner) = goast::named_children(node).into_iter().next() else { return self.hole(node) };
            return match self.expression(f, inner, depth) {
                GoValue::Text(v) => GoValue::List(vec![(v, span(inner))]),
                list => list,
            };
        }
        self.expression(f, node, depth)
    }

    /// Where function `f` is called in the file (byte span of the call), with its parameters
    /// bound to the arguments as evaluated there; `name(args...)` gives the variadic parameter
    /// the list.
    /// A caller that has parameters itself is read as its own callers run it, `level` callers up.
    fn call_sites(&self, f: usize, level: usize) -> Vec<CallSite> {
        let fun = &self.functions[f];
        if fun.name.is_empty() || fun.params.is_empty() || level >= MAX_CALL_LEVELS {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut calls = 0;
        // A caller's own call sites, read once however many times it calls `f`.
        let mut callers_of: std::collections::HashMap<usize, Vec<CallSite>> = std::collections::HashMap::new();
        for &call in &self.calls {
            if calls >= MAX_CALL_SITES {
                break;
            }
            let callee = call.child_by_field_name("function");
            if !callee.is_some_and(|c| c.kind() == "identifier" && self.text_of(c) == fun.name) {
                continue;
            }
            let Some(g) = self.function_of(call.start_byte()).filter(|&g| g != f) else { continue };
            calls += 1;
            // Each call its share: one called from a loop over many rows does not crowd out
            // the others.
            let mut runs = Vec::new();
            let args = self.arguments(call);
            // A call in a loop over a table is one call per row.
            let bind = |chosen: &[(usize, usize)]| {
                self.in_loops(g, call, || {
                    let bound = self.bindings(g, f, &args, 0);
                    let mut at: Vec<(usize, usize)> = chosen.to_vec();
                    at.extend(self.loop_tables());
                    at.push(span(call));
                    (bound, at)
                })
            };
            let callers = callers_of.entry(g).or_insert_with(|| self.call_sites(g, level + 1));
            if callers.is_empty() {
                runs.extend(bind(&[]));
            }
            for (_, caller, chosen) in callers.iter().cloned() {
                if runs.len() >= MAX_ITERATIONS {
                    break;
                }
                self.bound.borrow_mut().push((g, caller));
                runs.extend(bind(&chosen));
                self.bound.borrow_mut().pop();
            }
            out.extend(runs.into_iter().take(MAX_ITERATIONS).map(|(bound, at)| (span(call), bound, at)));
        }
        out
    }

    /// The parameters of function `callee` bound to the arguments of a call in function `f`;
    /// `name(args...)` gives the variadic parameter the list.
    fn bindings(&self, f: usize, callee: usize, args: &[Node<'a>], depth: usize) -> Bindings {
        let fun = &self.functions[callee];
        let mut bound = Vec::new();
        for (k, p) in fun.params.iter().enumerate() {
            let value = if k + 1 == fun.params.len() && fun.variadic {
                GoValue::List(self.spread(f, args.iter().skip(k).copied(), depth))
            } else {
                let Some(&arg) = args.get(k) else { continue };
                // A table passed by name (a map of platforms) is given as its entries.
                match self.argument(f, arg, depth) {
                    GoValue::Text(v) if !v.is_known() => match self.entries(f, arg, depth + 1) {
                        Some(table) => GoValue::Table(table),
                        None => GoValue::Text(v),
                    },
                    v => v,
                }
            };
            bound.push((p.clone(), value));
        }
        bound
    }

    /// What a call in function `f` of a function of the file returns (`genLDFlags(version)`):
    /// its `return` expressions evaluated with the call's arguments, one of them where it has
    /// several. Not a call of a function already being evaluated (recursion) nor past
    /// `MAX_NESTED_CALLS`.
    fn returned(&self, f: usize, callee: &str, args: &[Node<'a>], depth: usize) -> Option<GoValue> {
        let &g = self.by_name.get(callee)?;
        let returns = self.functions[g].returned.as_ref().filter(|r| !r.is_empty() && r.len() <= MAX_RETURNS)?;
        let calling = self.calling.borrow().len();
        if calling >= MAX_NESTED_CALLS || self.calling.borrow().contains(&g) {
            return None;
        }
        let bound = self.bindings(f, g, args, depth + 1);
        self.bound.borrow_mut().push((g, bound));
        self.calling.borrow_mut().push(g);
        let mut values = returns.iter().map(|&r| self.expression(g, r, depth + 1));
        let first = values.next();
        let value = first.and_then(|first| {
            values.try_fold(first, |a, b| match (a, b) {
                (GoValue::Text(a), GoValue::Text(b)) => Some(GoValue::Text(Value::either(a, b))),
                _ => None,
            })
        });
        self.calling.borrow_mut().pop();
        self.bound.borrow_mut().pop();
        value
    }

    /// `os.Setenv(name, value)` calls anywhere in the program: every later command sees them.
    fn setenv_calls(&self) -> Vec<(String, Value)> {
        let mut env = Vec::new();
        for &call in &self.calls {
            if call.child_by_field_name("function").map(|n| self.text_of(n)) != Some("os.Setenv") {
                continue;
            }
            let Some(f) = self.function_of(call.start_byte()) else { continue };
            if let [name, value] = self.arguments(call).as_slice() {
                if let Some(name) = self.text_value(f, *name, 0).as_known() {
                    env.push((name.to_string(), self.text_value(f, *value, 0)));
                }
            }
        }
        env
    }

    /// What a command's `X.Env = ...` says, between its call and the function's next command.
    fn command_environment(&self, f: usize, call: Node<'a>) -> Vec<(String, Value)> {
        let mut env = Vec::new();
        let fun = &self.functions[f];
        let next_command =
            fun.commands.iter().map(|c| c.start_byte()).find(|&s| s >= call.end_byte()).unwrap_or(fun.body.end_byte());
        let between =
            fun.env_sets.iter().filter(|a| call.end_byte() <= a.start_byte() && a.start_byte() < next_command);
        for a in between {
            let Some(right) = a.child_by_field_name("right").and_then(|r| goast::named_children(r).into_iter().next())
            else {
                continue;
            };
            if let GoValue::List(items) = self.expression(f, right, 0) {
                for (item, _) in items {
                    if let Some((k, v)) = item.split_once('=') {
                        if let Some(k) = k.as_known() {
                            env.push((k.to_string(), v));
                        }
                    }
                }
            }
        }
        env
    }

    /// `X.Env = ...`: a command's environment set in full.
    fn sets_env(&self, statement: Node<'a>) -> bool {
        statement.kind() == "assignment_statement"
            && statement.child_by_field_name("left").is_some_and(|l| self.text_of(l).ends_with(".Env"))
            && statement.child_by_field_name("operator").is_some_and(|o| o.kind() == "=")
    }

    fn function_of(&self, at: usize) -> Option<usize> {
        let k = self.functions.partition_point(|fun| fun.body.start_byte() <= at);
        (k > 0 && at < self.functions[k - 1].body.end_byte()).then(|| k - 1)
    }

    fn text_value(&self, f: usize, node: Node<'a>, depth: usize) -> Value {
        match self.expression(f, node, depth) {
            GoValue::Text(v) => v,
            GoValue::List(_) | GoValue::Record(_) | GoValue::Table(_) => hole_value(self.text_of(node)),
        }
    }

    /// A hole for an expression not evaluated, keeping its text and what it reads.
    fn hole(&self, node: Node<'a>) -> GoValue {
        GoValue::Text(hole_value(self.text_of(node)))
    }

    fn spend(&self, depth: usize) -> bool {
        let steps = self.steps.get() + 1;
        self.steps.set(steps);
        if steps > MAX_STEPS {
            self.stop(format!("evaluation stopped: more than {MAX_STEPS} Go expressions"));
        }
        if depth > MAX_DEPTH {
            self.stop(format!("evaluation stopped: Go expressions nested deeper than {MAX_DEPTH}"));
        }
        self.stopped.borrow().is_none()
    }

    /// Evaluates an expression inside function `f`.
    fn expression(&self, f: usize, node: Node<'a>, depth: usize) -> GoValue {
        if !self.spend(depth) {
            return self.hole(node);
        }
        match node.kind() {
            "interpreted_string_literal" | "raw_string_literal" => {
                GoValue::Text(Value::known(goast::string_value(node, self.text).unwrap_or_default()))
            }
            "identifier" => self.variable(f, self.text_of(node), node.start_byte(), depth),
            "parenthesized_expression" => match goast::named_children(node).as_slice() {
                [inner] => self.expression(f, *inner, depth + 1),
                _ => self.hole(node),
            },
            "binary_expression" => self.concatenation(f, node, depth),
            // `[]string{...}`
            "composite_literal" if node.child_by_field_name("type").is_some_and(|t| t.kind() == "slice_type") => {
                let Some(body) = node.child_by_field_name("body") else { return self.hole(node) };
                let elements = goast::named_children(body)
                    .into_iter()
                    .filter(|e| e.kind() == "literal_element")
                    .filter_map(|e| goast::named_children(e).into_iter().next());
                GoValue::List(self.spread(f, elements, depth + 1))
            }
            // `Job{goos, goarch}`: a struct's fields, by name or in order.
            "composite_literal" => {
                let fields = node.child_by_field_name("type").and_then(|t| self.struct_fields(t));
                match (fields, node.child_by_field_name("body")) {
                    (Some(fields), Some(body)) => self.literal(f, body, Some(fields), depth),
                    _ => self.hole(node),
                }
            }
            "index_expression" | "slice_expression" => self.element(f, node, depth),
            // A slice type in place of a value: a `var` declared without one, empty.
            "slice_type" => GoValue::List(Vec::new()),
            // `p.GOOS` of a table row.
            "selector_expression" => {
                let (Some(operand), Some(field)) =
                    (node.child_by_field_name("operand"), node.child_by_field_name("field"))
                else {
                    return self.hole(node);
                };
                let row = (operand.kind() == "identifier")
                    .then(|| self.variable(f, self.text_of(operand), operand.start_byte(), depth + 1));
                match row {
                    Some(GoValue::Record(fields)) => match fields.into_iter().find(|(k, _)| k == self.text_of(field)) {
                        Some((_, v)) => GoValue::Text(v),
                        None => self.hole(node),
                    },
                    _ => self.hole(node),
                }
            }
            "call_expression" => self.call(f, node, depth),
            _ => self.hole(node),
        }
    }

    /// `a + b + c`: the terms concatenated; any other operator in the chain leaves a hole.
    fn concatenation(&self, f: usize, node: Node<'a>, depth: usize) -> GoValue {
        let is_plus = |n: Node| {
            n.kind() == "binary_expression" && n.child_by_field_name("operator").is_some_and(|o| o.kind() == "+")
        };
        if !is_plus(node) {
            return self.hole(node);
        }
        // The chain's terms, flattened without recursion (a generated file may chain thousands).
        let terms = goast::descendants(node, is_plus)
            .into_iter()
            .filter(|n| n.is_named() && !is_plus(*n) && n.kind() != "comment");
        let mut b = Builder::default();
        for t in terms {
            b.push(&self.text_value(f, t, depth + 1));
        }
        GoValue::Text(b.build())
    }

    /// `name[i]` and `name[i:]` on a list.
    fn element(&self, f: usize, node: Node<'a>, depth: usize) -> GoValue {
        let Some(operand) = node.child_by_field_name("operand").filter(|o| o.kind() == "identifier") else {
            return self.hole(node);
        };
        let GoValue::List(items) = self.variable(f, self.text_of(operand), operand.start_byte(), depth) else {
            return self.hole(node);
        };
        let number = |field: &str| node.child_by_field_name(field).and_then(|n| self.text_of(n).parse::<usize>().ok());
        match node.kind() {
            "index_expression" => match number("index").and_then(|i| items.get(i)) {
                Some((v, _)) => GoValue::Text(v.clone()),
                None => self.hole(node),
            },
            _ if node.child_by_field_name("end").is_none() && node.child_by_field_name("capacity").is_none() => {
                match node.child_by_field_name("start") {
                    None => GoValue::List(items),
                    Some(_) => match number("start") {
                        Some(from) => GoValue::List(items.into_iter().skip(from).collect()),
                        None => self.hole(node),
                    },
                }
            }
            _ => self.hole(node),
        }
    }

    /// The values of argument or element expressions in function `f`, lists spread in place, each
    /// with the span it came from: what a call's `args...` or a `[]string{...}` holds.
    fn spread(
        &self,
        f: usize,
        nodes: impl IntoIterator<Item = Node<'a>>,
        depth: usize,
    ) -> Vec<(Value, (usize, usize))> {
        let mut out = Vec::new();
        for node in nodes {
            match self.argument(f, node, depth) {
                GoValue::Text(v) => out.push((v, span(node))),
                GoValue::List(items) => out.extend(items),
                GoValue::Record(_) | GoValue::Table(_) => out.push((hole_value(self.text_of(node)), span(node))),
            }
        }
        out
    }

    fn call(&self, f: usize, node: Node<'a>, depth: usize) -> GoValue {
        let callee = node.child_by_field_name("function").map_or("", |c| self.text_of(c));
        let args = self.arguments(node);
        let text = |i: usize| args.get(i).map(|&a| self.text_value(f, a, depth + 1));
        let value = match callee {
            "append" => args.split_first().and_then(|(first, rest)| {
                let GoValue::List(mut items) = self.expression(f, *first, depth + 1) else { return None };
                items.extend(self.spread(f, rest.iter().copied(), depth + 1));
                Some(GoValue::List(items))
            }),
            // The inherited environment: what the program adds is what it says.
            "os.Environ" => Some(GoValue::List(Vec::new())),
            "os.Getenv" => text(0)
                .and_then(|name| Some(GoValue::Text(Value::hole(Origin::Environment(name.as_known()?.to_string()))))),
            "fmt.Sprintf" => self.sprintf(f, &args, depth).map(GoValue::Text),
            "strings.Join" => args.first().and_then(|&list| {
                let GoValue::List(items) = self.expression(f, list, depth + 1) else { return None };
                let sep = text(1)?;
                let mut b = Builder::default();
                for (k, (v, _)) in items.iter().enumerate() {
                    if k > 0 {
                        b.push(&sep);
                    }
                    b.push(v);
                }
                Some(GoValue::Text(b.build()))
            }),
            "strings.Split" | "strings.Fields" => (|| {
                let whole = text(0)?;
                let whole = whole.as_known()?;
                let parts: Vec<&str> = match callee {
                    "strings.Fields" => whole.split_whitespace().collect(),
                    _ => whole.split(text(1)?.as_known()?).collect(),
                };
                Some(GoValue::List(parts.into_iter().map(|p| (Value::known(p.to_string()), span(node))).collect()))
            })(),
            "filepath.Join" | "path.Join" => (|| {
                let mut b = Builder::default();
                for k in 0..args.len() {
                    if k > 0 {
                        b.push_str("/");
                    }
                    b.push(&text(k)?);
                }
                Some(GoValue::Text(b.build()))
            })(),
            _ => self.returned(f, callee, &args, depth),
        };
        value.unwrap_or_else(|| self.hole(node))
    }

    /// `fmt.Sprintf` with `%s`, `%v`, `%d` and `%q` verbs filled in; other verbs leave a hole.
    fn sprintf(&self, f: usize, args: &[Node<'a>], depth: usize) -> Option<Value> {
        let format = self.text_value(f, *args.first()?, depth + 1);
        let format = format.as_known()?;
        let mut b = Builder::default();
        let mut next = 1;
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '%' {
                b.push_str(c.encode_utf8(&mut [0; 4]));
                continue;
            }
            match chars.next() {
                Some('%') => b.push_str("%"),
                Some(verb @ ('s' | 'v' | 'd' | 'q')) => {
                    let v = self.text_value(f, *args.get(next)?, depth + 1);
                    next += 1;
                    if verb == 'q' {
                        b.push_str("\"");
                    }
                    b.push(&v);
                    if verb == 'q' {
                        b.push_str("\"");
                    }
                }
                _ => return None,
            }
        }
        Some(b.build())
    }

    /// A name's value at byte `use_at` in function `f`: the last assignment before it in the
    /// function (with the `+=` and `append` before that), a parameter, or a package-level one.
    fn variable(&self, f: usize, name: &str, use_at: usize, depth: usize) -> GoValue {
        let use_hole = || GoValue::Text(hole_value(name));
        if !self.spend(depth) {
            return use_hole();
        }
        let seen = |a: &&Assignment<'a>| self.seen_at(f, a, use_at, depth);
        let function = self.functions.get(f);
        let none = Assignments::default();
        let locals = function.map_or(&none, |fun| &fun.locals);
        // A loop variable, unless the loop's body assigns the name before the use.
        let looped = self.loops.borrow().iter().rev().find_map(|run| {
            let inside = run.body.0 <= use_at && use_at < run.body.1;
            let (_, v) = run.values.iter().find(|(n, _)| n == name).filter(|_| inside)?;
            Some((run.body.0, v.clone()))
        });
        if let Some((loop_start, value)) = looped {
            return match locals.named(name).rev().filter(|a| a.at > loop_start).find(seen) {
                Some(a) => self.assigned(f, a, depth),
                None => value,
            };
        }
        if let Some(a) = locals.named(name).rev().find(seen) {
            return self.assigned(f, a, depth);
        }
        if let Some((_, values)) = self.bound.borrow().iter().rev().find(|(g, _)| *g == f) {
            if let Some((_, v)) = values.iter().find(|(p, _)| p == name) {
                return v.clone();
            }
        }
        if function.is_some_and(|fun| fun.params.iter().any(|p| p == name)) {
            return GoValue::Text(Value::Partial(vec![Piece::Hole(Hole {
                origin: Origin::Unevaluated(name.to_string()),
                provenance: Provenance::Caller,
            })]));
        }
        if let Some(a) = self.globals.named(name).next() {
            // A package-level initialiser sees only package-level names.
            return self.assigned(self.global_scope(), a, depth);
        }
        use_hole()
    }

    /// Whether a use at `use_at` in function `f` sees assignment `a`. Only an assignment complete
    /// before the use: `x = append(x, ...)` reads the x before it. One inside a block that ends
    /// before the use (an `if`) may not have run: an append there is taken (a flag a branch
    /// adds), a replacement is not (`args = append([]string{"echo"}, args...)` under `if
    /// *debug`). A branch whose condition is known to hold runs (`if goos == "windows"` where
    /// goos is known), one known not to hold does not.
    fn seen_at(&self, f: usize, a: &Assignment<'a>, use_at: usize, depth: usize) -> bool {
        a.expr.end_byte() <= use_at
            && match self.branch_runs(f, a, depth) {
                Some(runs) => runs,
                None => a.block_end >= use_at || a.add || self.appends_to_itself(a),
            }
    }

    /// Whether the `if` branch an assignment sits in runs: its condition compares two values
    /// known here (`goos == "windows"`); `None` when it does not say.
    fn branch_runs(&self, f: usize, a: &Assignment<'a>, depth: usize) -> Option<bool> {
        let (statement, when_true) = a.guard?;
        let condition = statement.child_by_field_name("condition").filter(|c| c.kind() == "binary_expression")?;
        let equal = match condition.child_by_field_name("operator")?.kind() {
            "==" => true,
            "!=" => false,
            _ => return None,
        };
        let side = |field: &str| {
            let v = self.text_value(f, condition.child_by_field_name(field)?, depth + 1);
            v.as_known().map(str::to_string)
        };
        let holds = (side("left")? == side("right")?) == equal;
        Some(holds == when_true)
    }

    /// `x = append(x, ...)`.
    fn appends_to_itself(&self, a: &Assignment) -> bool {
        a.expr.kind() == "call_expression"
            && a.expr.child_by_field_name("function").is_some_and(|c| self.text_of(c) == "append")
            && self.arguments(a.expr).first().is_some_and(|first| self.text_of(*first) == a.name)
    }

    /// Package-level expressions are evaluated with no function's locals: the function index
    /// one past the last (it has no locals and no parameters).
    fn global_scope(&self) -> usize {
        self.functions.len()
    }

    fn assigned(&self, f: usize, a: &Assignment<'a>, depth: usize) -> GoValue {
        // `selected = append(selected, osarch)` in a loop over a table, read after the loop:
        // every row's items (a row the loop skips with `continue` included).
        if self.appends_to_itself(a) {
            let rest: Vec<Node<'a>> = self.arguments(a.expr).into_iter().skip(1).collect();
            // What a row adds is written where the row is: in the loop's table.
            let runs = self.in_loops(f, a.expr, || {
                let table = self.loop_tables().last().copied();
                let items = self.spread(f, rest.iter().copied(), depth + 1);
                items.into_iter().map(|(v, at)| (v, table.unwrap_or(at))).collect::<Vec<_>>()
            });
            if runs.len() > 1 {
                if let GoValue::List(mut items) = self.variable(f, &a.name, a.at, depth + 1) {
                    items.extend(runs.into_iter().flatten());
                    return GoValue::List(items);
                }
            }
        }
        let value = self.expression(f, a.expr, depth + 1);
        if !a.add {
            return value;
        }
        let before = self.variable(f, &a.name, a.at, depth + 1);
        match (before, value) {
            (GoValue::Text(x), GoValue::Text(y)) => {
                let mut b = Builder::default();
                b.push(&x);
                b.push(&y);
                GoValue::Text(b.build())
            }
            _ => self.hole(a.expr),
        }
    }
}

impl<'a> Reader<'a> {
    /// Runs `read` once per run of the `for ... range` loops of function `f` around `node`
    /// (outermost first, the product of their iterations, at most `MAX_LOOP_RUNS`), with each
    /// run's loop variables bound; once, with none bound, where no loop's table is known.
    fn in_loops<T>(&self, f: usize, node: Node<'a>, mut read: impl FnMut() -> T) -> Vec<T> {
        let body = self.functions.get(f).map(|fun| fun.body);
        let outer = self.loops.borrow().clone();
        // A loop whose run is being read already stays in that run.
        let running =
            |l: &Node<'a>| l.child_by_field_name("body").is_some_and(|b| outer.iter().any(|run| run.body == span(b)));
        let Some(body) = body else { return vec![read()] };
        let mut loops: Vec<Node<'a>> =
            goast::ancestors(body, node).into_iter().filter(|p| p.kind() == "for_statement" && !running(p)).collect();
        loops.drain(..loops.len().saturating_sub(MAX_NESTED_LOOPS));
        let mut runs: Vec<Vec<LoopRun>> = vec![outer.clone()];
        for l in loops {
            let Some(loop_body) = l.child_by_field_name("body") else { continue };
            let mut next = Vec::new();
            for run in &runs {
                *self.loops.borrow_mut() = run.clone();
                let Some((iterations, table)) = self.iterations(f, l) else {
                    next.push(run.clone());
                    continue;
                };
                for values in iterations.into_iter().take(MAX_LOOP_RUNS.saturating_sub(next.len())) {
                    let mut inner = run.clone();
                    inner.push(LoopRun { body: span(loop_body), values, table });
                    next.push(inner);
                }
            }
            runs = next;
        }
        let out = runs
            .into_iter()
            .map(|run| {
                *self.loops.borrow_mut() = run;
                read()
            })
            .collect();
        *self.loops.borrow_mut() = outer;
        out
    }

    /// Where the tables of the loop runs being read are written, outermost first.
    fn loop_tables(&self) -> Vec<(usize, usize)> {
        self.loops.borrow().iter().map(|run| run.table).collect()
    }

    /// The values a `for k, v := range table` loop gives its variables, one entry per
    /// iteration, and where the table is written; `None` when the table is not known.
    fn iterations(&self, f: usize, for_statement: Node<'a>) -> Option<(Vec<Bindings>, (usize, usize))> {
        let clause = goast::named_children(for_statement).into_iter().find(|n| n.kind() == "range_clause")?;
        let names: Vec<String> = clause
            .child_by_field_name("left")
            .map(goast::named_children)
            .unwrap_or_default()
            .into_iter()
            .map(|n| self.text_of(n).to_string())
            .collect();
        let (entries, table) = self.entries(f, clause.child_by_field_name("right")?, 0)?;
        // The first variable is the index (or the map's key), the second the element.
        let iterations = entries
            .into_iter()
            .take(MAX_ITERATIONS)
            .map(|(key, value)| {
                names.iter().zip([key, value]).filter(|(n, _)| *n != "_").map(|(n, v)| (n.clone(), v)).collect()
            })
            .collect();
        Some((iterations, table))
    }

    /// A table's entries, (index or key, element), and where they are written: a slice or map
    /// literal (rows of a struct type become records), a name assigned one, or any expression
    /// giving a list.
    fn entries(&self, f: usize, node: Node<'a>, depth: usize) -> Option<Table> {
        if !self.spend(depth) {
            return None;
        }
        let index = |k: usize| GoValue::Text(Value::known(k.to_string()));
        match node.kind() {
            "composite_literal" => {
                let kind = node.child_by_field_name("type")?;
                let body = node.child_by_field_name("body")?;
                let elements = goast::named_children(body).into_iter().filter(|e| e.kind() != "comment");
                match kind.kind() {
                    "map_type" => {
                        let value_type = kind.child_by_field_name("value");
                        let pairs = elements.filter(|e| e.kind() == "keyed_element").filter_map(|e| {
                            let key = e.child_by_field_name("key")?;
                            let value = e.child_by_field_name("value")?;
                            let key = goast::named_children(key).into_iter().next()?;
                            Some((
                                GoValue::Text(self.text_value(f, key, depth + 1)),
                                self.element_value(f, value, value_type, depth),
                            ))
                        });
                        Some((pairs.collect(), span(node)))
                    }
                    "slice_type" | "array_type" | "implicit_length_array_type" => {
                        let element_type = kind.child_by_field_name("element");
                        let rows = elements
                            .filter(|e| e.kind() == "literal_element")
                            .enumerate()
                            .map(|(k, e)| (index(k), self.element_value(f, e, element_type, depth)))
                            .collect();
                        Some((rows, span(node)))
                    }
                    _ => None,
                }
            }
            // A name assigned a table: read the table where it is written.
            "identifier" => {
                let name = self.text_of(node);
                let at = node.start_byte();
                let local = self
                    .functions
                    .get(f)
                    .and_then(|fun| fun.locals.named(name).rev().find(|a| self.seen_at(f, a, at, depth) && !a.add));
                let bound = self.loops.borrow().iter().any(|run| run.values.iter().any(|(n, _)| n == name));
                // A table written in place or under another name (`targets := defaultTargets`).
                let table = |a: &Assignment<'a>| matches!(a.expr.kind(), "composite_literal" | "identifier");
                match (local, bound) {
                    (Some(a), false) if self.makes_channel(a.expr) => self.channel_entries(f, name, depth),
                    (Some(a), false) if table(a) => self.entries(f, a.expr, depth + 1),
                    (None, false) => match self.globals.named(name).next() {
                        Some(a) if table(a) => self.entries(self.global_scope(), a.expr, depth + 1),
                        _ => self.list_entries(f, node, depth),
                    },
                    _ => self.list_entries(f, node, depth),
                }
            }
            _ => self.list_entries(f, node, depth),
        }
    }

    /// `make(chan T)`.
    fn makes_channel(&self, expr: Node<'a>) -> bool {
        expr.kind() == "call_expression"
            && expr.child_by_field_name("function").is_some_and(|c| self.text_of(c) == "make")
            && self.arguments(expr).first().is_some_and(|t| t.kind() == "channel_type")
    }

    /// What a channel of function `f` carries, as a table to range over (`for job := range ch`):
    /// each value sent into it (`ch <- Job{goos, goarch}`), once per run of the loops around the
    /// send (the workers' closures included), written where those loops' table is.
    fn channel_entries(&self, f: usize, name: &str, depth: usize) -> Option<Table> {
        let sends = self.functions.get(f)?.sends.iter().filter(|s| {
            s.child_by_field_name("channel").is_some_and(|c| c.kind() == "identifier" && self.text_of(c) == name)
        });
        let mut entries = Vec::new();
        let mut written: Option<(usize, usize)> = None;
        for &send in sends {
            let Some(value) = send.child_by_field_name("value") else { continue };
            let runs =
                self.in_loops(f, send, || (self.expression(f, value, depth + 1), self.loop_tables().first().copied()));
            for (v, table) in runs {
                let at = table.unwrap_or_else(|| span(send));
                written = Some(written.map_or(at, |(s, e)| (s.min(at.0), e.max(at.1))));
                // One variable ranges over a channel: the value, in the key's place too.
                entries.push((v.clone(), v));
                if entries.len() >= MAX_ITERATIONS {
                    return Some((entries, written.unwrap_or_else(|| span(send))));
                }
            }
        }
        Some((entries, written?))
    }

    /// The entries of an expression that evaluates to a list of strings, written where its
    /// items are (a list built from a table's rows is there).
    fn list_entries(&self, f: usize, node: Node<'a>, depth: usize) -> Option<Table> {
        let items = match self.expression(f, node, depth + 1) {
            GoValue::List(items) => items,
            GoValue::Table(table) => return Some(table),
            _ => return None,
        };
        let start = items.iter().map(|(_, (s, _))| *s).min().unwrap_or(node.start_byte());
        let end = items.iter().map(|(_, (_, e))| *e).max().unwrap_or(node.end_byte());
        let index = |k: usize| GoValue::Text(Value::known(k.to_string()));
        Some((items.into_iter().enumerate().map(|(k, (v, _))| (index(k), GoValue::Text(v))).collect(), (start, end)))
    }

    /// One element of a table literal: an expression, or a `{...}` whose type the table's
    /// element type gives (a struct's fields, by name or in order; otherwise a list).
    fn element_value(&self, f: usize, element: Node<'a>, element_type: Option<Node<'a>>, depth: usize) -> GoValue {
        let Some(inner) = goast::named_children(element).into_iter().next() else { return self.hole(element) };
        if inner.kind() != "literal_value" {
            return self.expression(f, inner, depth + 1);
        }
        self.literal(f, inner, element_type.and_then(|t| self.struct_fields(t)), depth)
    }

    /// A `{...}` literal value: a record of a struct's `fields` (by name, or in order), else a
    /// list of its elements.
    fn literal(&self, f: usize, literal: Node<'a>, fields: Option<Vec<String>>, depth: usize) -> GoValue {
        let parts: Vec<Node<'a>> =
            goast::named_children(literal).into_iter().filter(|n| n.kind() != "comment").collect();
        let keyed = parts.iter().all(|p| p.kind() == "keyed_element") && !parts.is_empty();
        let value_of = |e: Node<'a>| match goast::named_children(e).into_iter().next() {
            Some(x) if x.kind() != "literal_value" => self.text_value(f, x, depth + 1),
            _ => hole_value(self.text_of(e)),
        };
        if keyed {
            return GoValue::Record(
                parts
                    .iter()
                    .filter_map(|p| {
                        let key = p.child_by_field_name("key")?;
                        Some((self.text_of(key).to_string(), value_of(p.child_by_field_name("value")?)))
                    })
                    .collect(),
            );
        }
        match fields {
            Some(names) => GoValue::Record(names.into_iter().zip(parts).map(|(n, p)| (n, value_of(p))).collect()),
            None => GoValue::List(parts.into_iter().map(|p| (value_of(p), span(p))).collect()),
        }
    }

    /// The field names of a struct type, written in place or declared in the file by name.
    fn struct_fields(&self, mut t: Node<'a>) -> Option<Vec<String>> {
        for _ in 0..MAX_DEPTH {
            match t.kind() {
                "pointer_type" => t = goast::named_children(t).into_iter().next()?,
                "type_identifier" => {
                    let name = self.text_of(t);
                    t = self.types.iter().find(|(n, _)| n == name)?.1;
                }
                "struct_type" => {
                    let list = goast::named_children(t).into_iter().find(|n| n.kind() == "field_declaration_list")?;
                    return Some(
                        goast::named_children(list)
                            .into_iter()
                            .filter(|d| d.kind() == "field_declaration")
                            .flat_map(|d| goast::field_children(d, "name"))
                            .map(|n| self.text_of(n).to_string())
                            .collect(),
                    );
                }
                _ => return None,
            }
        }
        None
    }
}

fn span(node: Node) -> (usize, usize) {
    (node.start_byte(), node.end_byte())
}

/// A hole for Go text not evaluated (its whitespace collapsed), with what it reads.
fn hole_value(written: &str) -> Value {
    let written = written.split_whitespace().collect::<Vec<_>>().join(" ");
    Value::Partial(vec![Piece::Hole(Hole {
        provenance: provenance_of(&written),
        origin: Origin::Unevaluated(written),
    })])
}

/// What a Go expression left unevaluated reads, from the functions it calls.
fn provenance_of(written: &str) -> Provenance {
    if written.contains("time.Now") {
        Provenance::Clock
    } else if ["os.Hostname", "user.Current", "os.Getwd", "runtime.GOROOT"].iter().any(|c| written.contains(c)) {
        Provenance::Host
    } else if written.contains("git") {
        Provenance::Commit
    } else if written.starts_with('*') || written.starts_with("os.Args") {
        // A flag's value or an argument: chosen by whoever runs the program.
        Provenance::Caller
    } else {
        Provenance::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argvs(text: &str) -> Vec<Vec<String>> {
        read(text).commands.iter().map(|c| c.argv.iter().map(Value::display).collect()).collect()
    }

    #[test]
    fn literal_calls_lists_appends_and_spreads() {
        let text = r#"package main
import "os/exec"
const ldflags = "-s -w"
func build(goos, goarch string) {
	c := exec.Command("go", "build",
		"-o", "dist/app_"+goos,
		"-ldflags", ldflags,
		"./cmd/app",
	)
	c.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos)
	c.Run()
}
func cross(version string) {
	args := []string{
		"go", "build",
		"--ldflags", "-s -X example.com/app/v.Version=" + version,
		"-trimpath",
	}
	if *mode != "" {
		args = append(args, "-buildmode", *mode)
	}
	args = append(args, "..")
	exec.Command(args[0], args[1:]...).Run()
}
func release() {
	x := fmt.Sprintf("-X main.date=%s", time.Now().Format(time.RFC3339))
	args := []string{"build", "-ldflags", x, "-o", filepath.Join("dist", "app")}
	exec.CommandContext(ctx, "go", args...)
	exec.Command("git", "describe")
}
"#;
        assert_eq!(
            argvs(text),
            [
                vec!["go", "build", "-o", "dist/app_goos", "-ldflags", "-s -w", "./cmd/app"],
                vec![
                    "go",
                    "build",
                    "--ldflags",
                    "-s -X example.com/app/v.Version=version",
                    "-trimpath",
                    "-buildmode",
                    "*mode",
                    ".."
                ],
                vec!["go", "build", "-ldflags", "-X main.date=time.Now().Format(time.RFC3339)", "-o", "dist/app"],
            ]
        );
        let program = read(text);
        let env: Vec<String> = program.commands[0].env.iter().map(|(k, v)| format!("{k}={}", v.display())).collect();
        assert_eq!(env, ["CGO_ENABLED=0", "GOOS=goos"]);
        let date = &program.commands[2].argv[3];
        assert_eq!(date.holes().map(|h| h.provenance).collect::<Vec<_>>(), [Provenance::Clock]);
    }

    #[test]
    fn loops_over_literal_platform_tables() {
        let text = r#"package main
import "os/exec"
type target struct{ goos, goarch string }
var targets = []target{{"linux", "amd64"}, {goarch: "arm64", goos: "darwin"}}
var pairs = []string{"windows/amd64", "freebsd/386"}
func build(goos, goarch string) {
	c := exec.Command("go", "build", "-o", "dist/app_"+goos+"_"+goarch, ".")
	c.Run()
}
func main() {
	for _, t := range targets {
		build(t.goos, t.goarch)
	}
	for _, pair := range pairs {
		parts := strings.Split(pair, "/")
		goos, goarch := parts[0], parts[1]
		build(goos, goarch)
	}
	for goos, arches := range map[string][]string{"plan9": {"arm"}} {
		for _, arch := range arches {
			exec.Command("go", "build", "-o", "dist/"+goos+"-"+arch, ".")
		}
	}
	for i := 0; i < 2; i++ {
		exec.Command("go", "build", "-o", "dist/other", ".")
	}
}
"#;
        let outputs: Vec<String> = argvs(text).into_iter().map(|argv| argv[3].clone()).collect();
        assert_eq!(
            outputs,
            [
                "dist/app_linux_amd64",
                "dist/app_darwin_arm64",
                "dist/app_windows_amd64",
                "dist/app_freebsd_386",
                "dist/plan9-arm",
                "dist/other"
            ]
        );
    }

    #[test]
    fn spans_point_at_the_go_expressions() {
        let text = "package main\nfunc f() {\n\texec.Command(\"go\", \"build\", \"-ldflags\", \"-s -w\", \".\")\n}\n";
        let c = &read(text).commands[0];
        let w = &c.command.words[3];
        assert_eq!(&text[w.start..w.end], "\"-s -w\"");
        assert_eq!(
            &text[c.command.start..c.command.end],
            "exec.Command(\"go\", \"build\", \"-ldflags\", \"-s -w\", \".\")"
        );
    }

    #[test]
    fn what_main_prints() {
        // Written in the style of a flags generator that a Makefile runs with `$(shell go run ...)`.
        let program = r#"//go:build ignore

package main

import (
	"fmt"
	"os"
	"strings"
)

func flags(version string) string {
	out := "-s -w"
	out += " -X example.com/tool/build.Version=" + version
	out += " -X example.com/tool/build.Root=" + os.Getenv("GOROOT")
	return out
}

func tag() string {
	if t := os.Getenv("TAG"); t != "" {
		return t
	}
	return "dev"
}

func forever(n string) string { return forever(n + "x") }

func main() {
	version := "unknown"
	if len(os.Args) > 1 {
		version = os.Args[1]
	}
	fmt.Fprintln(os.Stderr, "generating")
	fmt.Println(flags(strings.TrimSpace(version)))
	fmt.Printf(" -X example.com/tool/build.Tag=%s\n", tag())
	fmt.Print(forever("a"))
}
"#;
        let out = printed(program).expect("main prints");
        assert_eq!(
            out.display(),
            "-s -w -X example.com/tool/build.Version=strings.TrimSpace(version) -X \
             example.com/tool/build.Root=$GOROOT\n -X example.com/tool/build.Tag=$TAG or dev\nforever(n + \"x\")"
        );
        assert!(out.holes().any(|h| h.provenance == Provenance::Host), "GOROOT is the build host's");
        // Printing only to standard error, or nothing at all.
        assert!(printed("package main\nimport \"fmt\"\nfunc main() { fmt.Fprintln(os.Stderr, \"x\") }\n").is_none());
        assert!(printed("package main\nfunc helper() {}\n").is_none());
    }

    #[test]
    fn hostile_text_is_bounded() {
        // Deep nesting, a self-referencing variable, unterminated literals.
        let deep = format!(
            "package main\nfunc f() {{ x := {}\"a\"{}\nexec.Command(\"go\", \"build\", x) }}",
            "(".repeat(5000),
            ")".repeat(5000)
        );
        assert!(read(&deep).commands.len() <= 1);
        let selfref = "package main\nfunc f() { x := \"a\"\n x += x\n x += x\n exec.Command(\"go\", \"build\", x) }";
        assert_eq!(argvs(selfref), [vec!["go", "build", "aaaa"]]);
        // Many assignments in one function, and one line of chained ones: linear, not quadratic.
        let many = format!(
            "package main\nfunc f() {{\n{}exec.Command(\"go\", \"build\", x)\n}}",
            "x := \"a\"\n".repeat(100_000)
        );
        assert_eq!(argvs(&many), [vec!["go", "build", "a"]]);
        let chained = format!("package main\nfunc f() {{ {}\"a\" }}", "a = ".repeat(100_000));
        let _ = read(&chained);
        // Loops nested ten deep over 64-row tables: the runs of one command are capped.
        let table = format!("[]string{{{}}}", vec!["\"a\""; 64].join(","));
        let nested = format!(
            "package main\nfunc f() {{\n{}exec.Command(\"go\", \"build\", \"x\")\n{}}}",
            format!("for _, v := range {table} {{\n").repeat(10),
            "}\n".repeat(10)
        );
        assert_eq!(argvs(&nested).len(), 1, "identical runs are one command");
        // Thousands of nested loops, nested `if`s and a long `+` chain: linear work (each once
        // quadratic, through tree-sitter's parent walks and per-command body walks).
        let deep = format!(
            "package main\nfunc f() {{\n{}exec.Command(\"go\", \"build\", \"-o\", \"dist/\"+v, {}\"a\")\n{}}}\nfunc g() {{\ny := \"b\"\n{}y = y + x\n{}exec.Command(\"go\", \"build\", y)\n}}",
            "for _, v := range []string{\"a\", \"b\"} {\n".repeat(3000),
            "\"a\" + ".repeat(20_000),
            "}\n".repeat(3000),
            "if x := \"a\"; x != \"\" {\n".repeat(3000),
            "}\n".repeat(3000)
        );
        assert!(argvs(&deep).len() <= MAX_COMMANDS);
        // Functions each returning what eight calls of the next return, a function returning
        // itself, and a channel fed by sends in nested loops over 64-row tables: the calls
        // evaluated and the rows read are capped, and nothing recurses without end.
        let mut fan = String::from("package main\n");
        for k in 0..40 {
            fan.push_str(&format!(
                "func f{k}(a string) string {{ return {} }}\n",
                vec![format!("f{}(a)", k + 1); 8].join(" + ")
            ));
        }
        fan.push_str("func self(a string) string { return self(a + a) }\n");
        fan.push_str(&format!(
            "func main() {{\n ch := make(chan string)\n go func() {{ {}ch <- v\n{}}}()\n for v := range ch {{ exec.Command(\"go\", \"build\", \"-o\", f0(v)+self(v), v) }}\n fmt.Println(f0(\"x\"))\n}}\n",
            format!("for _, v := range {table} {{\n").repeat(4),
            "}\n".repeat(4)
        ));
        assert!(argvs(&fan).len() <= MAX_COMMANDS);
        let _ = printed(&fan);
        let cut = "package main\nfunc f() { exec.Command(\"go\", \"build\", `unterminated";
        let _ = read(cut);
        let _ = read("func");
        let _ = read("\"");
        let _ = read("func (");
    }
}
