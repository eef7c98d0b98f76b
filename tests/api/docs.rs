//! The docs claim nothing for CI that CI does not run: every `scripts/...` or `bench/...` command
//! on a line of README.md or docs/*.md that speaks of CI (and does not say "not part of CI") must
//! be run by `.ci/run` or the `scripts/test` it runs.

use crate::helpers::root;

/// The `scripts/NAME` and `bench/NAME` programs a line names, in backticks or as the command of
/// a shell line.
fn commands(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in line.split(|c: char| c.is_whitespace() || c == '`' || c == '(' || c == ')') {
        if let Some(rest) = word.strip_prefix("scripts/").or_else(|| word.strip_prefix("bench/")) {
            let name: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
            if !name.is_empty() && !rest[name.len()..].starts_with('.') {
                out.push(format!("{}{name}", &word[..word.len() - rest.len()]));
            }
        }
    }
    out
}

/// The doc lines that say CI runs a command `ci` (the text of the CI scripts) does not run.
fn unbacked_ci_claims(doc: &str, text: &str, ci: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let speaks_of_ci = line.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').any(|w| w == "CI");
        if !speaks_of_ci || line.contains("not part of CI") || line.contains("CI=true") {
            continue;
        }
        for command in commands(line) {
            if !ci.lines().any(|l| !l.trim_start().starts_with('#') && l.contains(&command)) {
                out.push(format!("{doc}:{}: says CI runs `{command}`, which .ci/run never runs: {line}", n + 1));
            }
        }
    }
    out
}

#[test]
fn the_docs_claim_no_ci_run_that_ci_does_not_make() {
    let read = |path: &str| std::fs::read_to_string(root().join(path)).unwrap();
    let ci = read(".ci/run") + &read("scripts/test");
    let mut docs = vec![root().join("README.md")];
    let mut pages: Vec<_> = std::fs::read_dir(root().join("docs")).unwrap().map(|e| e.unwrap().path()).collect();
    pages.sort();
    docs.extend(pages.into_iter().filter(|p| p.extension().is_some_and(|e| e == "md")));
    let mut claims = Vec::new();
    for doc in &docs {
        let name = doc.strip_prefix(root()).unwrap().display().to_string();
        claims.extend(unbacked_ci_claims(&name, &std::fs::read_to_string(doc).unwrap(), &ci));
    }
    assert!(claims.is_empty(), "{}", claims.join("\n"));
}

#[test]
fn a_ci_claim_for_a_command_ci_never_runs_is_caught() {
    let ci = "scripts/fuzz --seconds 20\n# bench/run is not run here\n";
    let doc = "bench/run --quick    # CI smoke\n`scripts/fuzz` (CI runs 20 s)\n`bench/run --quick` (not part of CI)\n";
    let claims = unbacked_ci_claims("doc.md", doc, ci);
    assert_eq!(claims.len(), 1, "{claims:?}");
    assert!(claims[0].starts_with("doc.md:1: says CI runs `bench/run`, which .ci/run never runs"), "{claims:?}");
}
