//! `lambda-mcp-seed`: creates the order-desk table (with its indexes and TTL) and loads data into
//! it, locally or in AWS. The standard AWS environment applies (`AWS_REGION`, credentials,
//! `AWS_ENDPOINT_URL` for a local server).
//!
//! ```text
//! lambda-mcp-seed [--table NAME] [--file PATH]             load a data set file (default data/demo-orders.json)
//! lambda-mcp-seed [--table NAME] --orders N [--customers M] [--seed S]   generate N orders instead
//! lambda-mcp-seed --orders N --write PATH                  write a generated data set to a file, touch no table
//! --no-create                                              load into an existing table (a deployed one) without creating it
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

fn parse(args: impl Iterator<Item = String>) -> Result<Options, String> {
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
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(options)
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
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("lambda-mcp-seed: {message}");
            }
            eprintln!(
                "{}",
                include_str!("lambda-mcp-seed.rs")
                    .lines()
                    .filter(|l| l.starts_with("//! ") && !l.contains("```"))
                    .map(|l| &l[4..])
                    .collect::<Vec<_>>()
                    .join("\n")
            );
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
