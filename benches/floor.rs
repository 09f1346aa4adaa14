//! The protocol floor, for `scripts/bench`: the unavoidable requests and nothing else, with
//! rdkafka directly (no topicgate code), run as a process like topicgate is.
//!
//!   floor describe BOOTSTRAP   one Metadata request for all topics, then DescribeConfigs for all
//!                              topics in batches (2,000 per request, sent concurrently)
//!   floor naive BOOTSTRAP      the same describe with one DescribeConfigs request per topic, one
//!                              after the other, as many tools do
//!   floor create BOOTSTRAP NAMES_FILE
//!                              the topics named in NAMES_FILE (one per line; 3 partitions,
//!                              replication factor 1, 3 overrides) in batched CreateTopics
//!                              requests (2,000 per request)
//!
//! Prints one line: `<mode> topics=<n> configs=<entries>` so the caller can check the work done.

use std::time::Duration;

use futures::executor::block_on;
use futures::future::join_all;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, ResourceSpecifier, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;

// Generous: the local test broker slows down as it holds more topics.
const TIMEOUT: Duration = Duration::from_secs(600);
const CHUNK: usize = 2_000;

fn main() {
    // `cargo bench` passes `--bench`; ignore it.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (mode, bootstrap) = match (args.first(), args.get(1)) {
        (Some(m), Some(b)) => (m.as_str(), b.as_str()),
        _ => {
            eprintln!("usage: floor describe|naive BOOTSTRAP | floor create BOOTSTRAP NAMES_FILE [PARTITIONS]");
            std::process::exit(2);
        }
    };
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("allow.auto.create.topics", "false")
        .set("log_level", "3")
        .create()
        .expect("admin client");
    let opts = AdminOptions::new().request_timeout(Some(TIMEOUT));
    match mode {
        "describe" | "naive" => {
            let metadata = admin
                .inner()
                .fetch_metadata(None, TIMEOUT)
                .expect("metadata");
            let names: Vec<&str> = metadata.topics().iter().map(|t| t.name()).collect();
            let mut entries = 0;
            if mode == "describe" {
                let chunks: Vec<Vec<ResourceSpecifier>> = names
                    .chunks(CHUNK)
                    .map(|c| c.iter().map(|n| ResourceSpecifier::Topic(n)).collect())
                    .collect();
                for answer in block_on(join_all(
                    chunks.iter().map(|c| admin.describe_configs(c, &opts)),
                )) {
                    entries += answer
                        .expect("describe")
                        .into_iter()
                        .flatten()
                        .map(|r| r.entries.len())
                        .sum::<usize>();
                }
            } else {
                for name in &names {
                    let answer =
                        block_on(admin.describe_configs(&[ResourceSpecifier::Topic(name)], &opts));
                    entries += answer
                        .expect("describe")
                        .into_iter()
                        .flatten()
                        .map(|r| r.entries.len())
                        .sum::<usize>();
                }
            }
            println!("{mode} topics={} configs={entries}", names.len());
        }
        "create" => {
            let file = args.get(2).expect("NAMES_FILE");
            let text = std::fs::read_to_string(file).expect("names file");
            let names: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            let partitions: i32 = args.get(3).map_or(3, |p| p.parse().expect("PARTITIONS"));
            let mut created = 0;
            for chunk in names.chunks(CHUNK) {
                let topics: Vec<NewTopic> = chunk
                    .iter()
                    .map(|name| {
                        NewTopic::new(name, partitions, TopicReplication::Fixed(1))
                            .set("retention.ms", "604800000")
                            .set("cleanup.policy", "delete")
                            .set("min.insync.replicas", "1")
                    })
                    .collect();
                let results = block_on(admin.create_topics(&topics, &opts)).expect("create");
                created += results.iter().filter(|r| r.is_ok()).count();
            }
            println!("create topics={created} configs=0");
        }
        other => {
            eprintln!("unknown mode `{other}`");
            std::process::exit(2);
        }
    }
}
