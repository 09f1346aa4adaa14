//! A service deployed before its topics were provisioned: it produces one record to TOPIC.
//! On a broker with `auto.create.topics.enable=true`, librdkafka's metadata request for TOPIC
//! creates it with broker defaults (one partition on MSK, no overrides): the incident topicgate
//! exists for. `scripts/demo` uses it to show `check` and `gate` catching it.
//!
//! Usage: cargo run --example unprovisioned_producer -- BOOTSTRAP_SERVERS TOPIC

use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(bootstrap), Some(topic)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: unprovisioned_producer BOOTSTRAP_SERVERS TOPIC");
    };
    let producer: BaseProducer = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .set("message.timeout.ms", "10000")
        .create()?;
    producer
        .send(BaseRecord::to(&topic).key("order-1").payload("{\"id\":1}"))
        .map_err(|(e, _)| e)?;
    producer.flush(Duration::from_secs(10))?;
    println!("produced one record to `{topic}` (no one created it first)");
    Ok(())
}
