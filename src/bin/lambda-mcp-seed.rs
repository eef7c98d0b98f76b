//! `lambda-mcp-seed`: creates the order-desk table (with its indexes and TTL) and loads data into
//! it, locally or in AWS. The standard AWS environment applies (`AWS_REGION`, credentials,
//! `AWS_ENDPOINT_URL` for a local server).
//!
//! ```text
//! lambda-mcp-seed [--table NAME] [--no-create] [--file PATH]   load a data set file
//! lambda-mcp-seed [--table NAME] [--no-create] --orders N [--customers M] [--seed S]
//!                                                              generate N orders instead
//! lambda-mcp-seed --orders N [--customers M] [--seed S] --write PATH
//!                                                              write a generated data set to a file, touch no table
//!
//!   --table NAME      the table (default: $ORDERS_TABLE)
//!   --no-create       load into an existing table (a deployed one) without creating it
//!   --file PATH       the data set to load (default data/demo-orders.json)
//!   --orders N        generate N orders instead of reading a file
//!   --customers M     customers for the generated orders (default N/10, at least 1)
//!   --seed S          the generator's seed (default 42): the same seed, the same data
//!   --write PATH      write the generated data set to PATH instead of loading it
//!   -h, --help        this text
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use lambda_mcp::engine::aws::{AwsContext, AwsSettings};
use lambda_mcp::order_desk::seed::{self, DataSet, demo};
use lambda_mcp::order_desk::store::dynamo::DynamoStore;

const DEFAULT_FILE: &str = "data/demo-orders.json";

#[derive(Debug, Default)]
struct Options {
    table: Option<String>,
    file: Option<String>,
    orders: Option<usize>,
    customers: Option<usize>,
    seed: u64,
    write: Option<String>,
    no_create: bool,
}

/// What the command line asks for.
#[derive(Debug)]
enum Command {
    Run(Options),
    Help,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut options = Options { seed: 42, ..Options::default() };
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| v.parse::<usize>().map_err(|_| format!("{flag} needs a whole number, got {v}"));
        match flag.as_str() {
            "--table" => options.table = Some(value()?),
            "--file" => options.file = Some(value()?),
            "--orders" => options.orders = Some(number(value()?)?),
            "--customers" => options.customers = Some(number(value()?)?),
            "--seed" => options.seed = number(value()?)? as u64,
            "--write" => options.write = Some(value()?),
            "--no-create" => options.no_create = true,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Command::Run(options))
}

/// The usage text: the module documentation above, without its fences.
fn usage() -> String {
    include_str!("lambda-mcp-seed.rs")
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .filter(|l| !l.contains("```"))
        .map(|l| l.strip_prefix("//! ").unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn data_set(options: &Options) -> Result<DataSet, String> {
    if let Some(orders) = options.orders {
        let customers = options.customers.unwrap_or((orders / 10).max(1));
        return Ok(demo::generate(customers, orders, options.seed));
    }
    let path = options.file.as_deref().unwrap_or(DEFAULT_FILE);
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{path} is not a data set: {e}"))
}

async fn run(options: Options) -> Result<(), String> {
    let data = data_set(&options)?;
    if let Some(path) = &options.write {
        let text = serde_json::to_string(&data).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n").map_err(|e| format!("cannot write {path}: {e}"))?;
        println!("wrote {} customers and {} orders to {path}", data.customers.len(), data.orders.len());
        return Ok(());
    }
    let table =
        options.table.or_else(|| std::env::var("ORDERS_TABLE").ok()).ok_or("--table or ORDERS_TABLE is required")?;
    let aws = AwsSettings::from_env().map_err(|e| e.to_string())?;
    let store = DynamoStore::new(Arc::new(AwsContext::new(aws)), table.clone());
    let client = store.client().await;
    let started = Instant::now();
    if !options.no_create {
        seed::create_table(client, &table).await.map_err(|e| e.to_string())?;
    }
    let written = seed::write_items(client, &table, data.items()).await.map_err(|e| e.to_string())?;
    println!(
        "seeded {table}: {} customers, {} orders, {written} items in {:.1}s",
        data.customers.len(),
        data.orders.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Command::Run(options)) => options,
        Ok(Command::Help) => {
            println!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("lambda-mcp-seed: {message}\n\n{}", usage());
            return ExitCode::from(2);
        }
    };
    match run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("lambda-mcp-seed: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flags `parse` matches on, read from its source: the string literals of its arms.
    fn parser_flags() -> Vec<String> {
        let source = include_str!("lambda-mcp-seed.rs");
        let body = source.split("fn parse(").nth(1).and_then(|rest| rest.split("\n}\n").next()).unwrap();
        let mut flags: Vec<String> = body
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|lit| lit.starts_with('-') && lit.chars().skip(1).all(|c| c.is_ascii_lowercase() || c == '-'))
            .map(str::to_owned)
            .collect();
        flags.dedup();
        flags
    }

    /// The flags the help text names (`--table`, `-h`, ...).
    fn help_flags() -> Vec<String> {
        usage()
            .split(|c: char| c.is_whitespace() || "[],|".contains(c))
            .filter(|w| w.starts_with('-') && w.len() > 1)
            .map(str::to_owned)
            .collect()
    }

    /// True unless `parse` refuses `flag` itself as unknown (it is given a value, which a flag
    /// without one then refuses as the next, unknown, option).
    fn accepted(flag: &str) -> bool {
        !matches!(parse([flag.to_owned(), "7".to_owned()].into_iter()), Err(e) if e == format!("unknown option {flag}"))
    }

    #[test]
    fn every_flag_the_parser_accepts_is_in_the_help() {
        let flags = parser_flags();
        assert!(flags.len() >= 9, "the parser's flags were not found: {flags:?}");
        let help = help_flags();
        for flag in &flags {
            assert!(accepted(flag), "{flag} was read from parse() but parse() refuses it");
            assert!(help.contains(flag), "{flag} is accepted but missing from --help:\n{}", usage());
        }
    }

    #[test]
    fn every_flag_in_the_help_is_accepted() {
        for flag in help_flags() {
            assert!(accepted(&flag), "--help lists {flag}, which parse() refuses");
        }
        assert!(!accepted("--no-such-flag"));
    }

    #[test]
    fn help_is_asked_for_and_flags_are_read() {
        assert!(matches!(parse(["--help".to_owned()].into_iter()), Ok(Command::Help)));
        assert!(usage().contains("--no-create") && !usage().contains("```") && !usage().contains("//!"));
        let args = ["--table", "t", "--no-create", "--orders", "30", "--seed", "9"].map(str::to_owned);
        let Ok(Command::Run(options)) = parse(args.into_iter()) else { panic!("not parsed") };
        assert_eq!(
            (options.table.as_deref(), options.no_create, options.orders, options.seed),
            (Some("t"), true, Some(30), 9)
        );
        assert_eq!(
            parse(["--orders".to_owned(), "x".to_owned()].into_iter()).unwrap_err(),
            "--orders needs a whole number, got x"
        );
    }
}
