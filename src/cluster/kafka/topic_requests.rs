//! CreateTopics and CreatePartitions through librdkafka directly, so that each topic's refusal
//! keeps the broker's own message.
//!
//! N.B. KAFKA.md: Apache Kafka explains a refusal per topic (for example "The target replication
//! factor of 3 cannot be reached because only 1 broker(s) are registered"); the `rdkafka` crate's
//! `create_topics` and `create_partitions` (0.39) return only the error code and drop that
//! message. Every raw pointer is checked and owned by a guard (`ffi::Owned`).

use std::time::Duration;

use rdkafka::client::{Client, ClientContext};
use rdkafka_sys as sys;

use super::ffi::{self, check, cstring, text, ErrorText, Outcomes, Owned, RequestError};
use crate::cluster::{Mode, NewTopic};

/// The per-topic results of a CreateTopics or CreatePartitions answer.
///
/// # Safety
/// `items` points to `count` topic results owned by a live result event (or is NULL).
unsafe fn topic_results(
    api: &str,
    items: *mut *const sys::rd_kafka_topic_result_t,
    count: usize,
) -> Result<Outcomes, RequestError> {
    if items.is_null() && count > 0 {
        return Err(RequestError::local(format!(
            "librdkafka returned no topics in the answer to {api}"
        )));
    }
    let mut outcomes = Vec::with_capacity(count);
    for i in 0..count {
        let r = *items.add(i);
        if r.is_null() {
            continue;
        }
        let name = text(sys::rd_kafka_topic_result_name(r));
        let code = sys::rd_kafka_topic_result_error(r);
        let outcome = if code == sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
            Ok(())
        } else {
            Err((
                code.into(),
                text(sys::rd_kafka_topic_result_error_string(r)),
            ))
        };
        outcomes.push((name, outcome));
    }
    Ok(outcomes)
}

/// One CreateTopics request for all `topics`.
pub(super) fn create_topics<C: ClientContext>(
    client: &Client<C>,
    topics: &[NewTopic],
    mode: Mode,
    timeout: Duration,
) -> Result<Outcomes, RequestError> {
    if topics.is_empty() {
        return Ok(Vec::new());
    }
    // Every C string is built (and every name checked) before anything is handed to librdkafka.
    let mut requests = Vec::with_capacity(topics.len());
    for topic in topics {
        let name = cstring(&format!("the topic name `{}`", topic.name), &topic.name)?;
        let mut configs = Vec::with_capacity(topic.configs.len());
        for (key, value) in &topic.configs {
            let what = format!("`{key}` of topic `{}`", topic.name);
            configs.push((
                key.as_str(),
                cstring(&what, key)?,
                cstring(&format!("the value of {what}"), value)?,
            ));
        }
        requests.push((topic, name, configs));
    }
    let rk = client.native_ptr();
    let mut errstr: ErrorText = [0; 512];
    // SAFETY: `rk` is live for the lifetime of `client`. Every pointer librdkafka returns is
    // checked for NULL and owned by a guard that destroys it once, after librdkafka is done with
    // it (the request copies the new topics; the result event owns its results, which are read
    // while `event` lives).
    unsafe {
        let queue = ffi::queue(rk)?;
        let options = ffi::admin_options(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_CREATETOPICS,
            mode,
            timeout,
        )?;
        let mut new_topics = Vec::with_capacity(requests.len());
        for (topic, name, configs) in &requests {
            let t = Owned::new(
                sys::rd_kafka_NewTopic_new(
                    name.as_ptr(),
                    topic.partitions,
                    i32::from(topic.replication_factor),
                    errstr.as_mut_ptr(),
                    errstr.len(),
                ),
                sys::rd_kafka_NewTopic_destroy,
            )
            .ok_or_else(|| {
                RequestError::local(format!("`{}`: {}", topic.name, text(errstr.as_ptr())))
            })?;
            for (key, key_c, value_c) in configs {
                let err =
                    sys::rd_kafka_NewTopic_set_config(t.ptr(), key_c.as_ptr(), value_c.as_ptr());
                check(err, &errstr).map_err(|e| RequestError {
                    code: e.code,
                    message: format!("`{key}` on `{}`", topic.name),
                })?;
            }
            new_topics.push(t);
        }
        let mut raw: Vec<*mut sys::rd_kafka_NewTopic_t> =
            new_topics.iter().map(|t| t.ptr()).collect();
        sys::rd_kafka_CreateTopics(rk, raw.as_mut_ptr(), raw.len(), options.ptr(), queue.ptr());
        let event = ffi::answer(&queue, timeout, "CreateTopics")?;
        let result = sys::rd_kafka_event_CreateTopics_result(event.ptr());
        if result.is_null() {
            return Err(RequestError::local(
                "unexpected event type in answer to CreateTopics".into(),
            ));
        }
        let mut count = 0usize;
        let items = sys::rd_kafka_CreateTopics_result_topics(result, &mut count);
        topic_results("CreateTopics", items as *mut _, count)
    }
}

/// One CreatePartitions request: each topic to its new total partition count.
pub(super) fn create_partitions<C: ClientContext>(
    client: &Client<C>,
    changes: &[(String, i32)],
    mode: Mode,
    timeout: Duration,
) -> Result<Outcomes, RequestError> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let mut requests = Vec::with_capacity(changes.len());
    for (topic, count) in changes {
        let name = cstring(&format!("the topic name `{topic}`"), topic)?;
        let total = usize::try_from(*count).map_err(|_| {
            RequestError::local(format!(
                "`{topic}`: a partition count of {count} is not possible; nothing was sent"
            ))
        })?;
        requests.push((topic, name, total));
    }
    let rk = client.native_ptr();
    let mut errstr: ErrorText = [0; 512];
    // SAFETY: as in `create_topics`.
    unsafe {
        let queue = ffi::queue(rk)?;
        let options = ffi::admin_options(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_CREATEPARTITIONS,
            mode,
            timeout,
        )?;
        let mut parts = Vec::with_capacity(requests.len());
        for (topic, name, total) in &requests {
            let p = Owned::new(
                sys::rd_kafka_NewPartitions_new(
                    name.as_ptr(),
                    *total,
                    errstr.as_mut_ptr(),
                    errstr.len(),
                ),
                sys::rd_kafka_NewPartitions_destroy,
            )
            .ok_or_else(|| RequestError::local(format!("`{topic}`: {}", text(errstr.as_ptr()))))?;
            parts.push(p);
        }
        let mut raw: Vec<*mut sys::rd_kafka_NewPartitions_t> =
            parts.iter().map(|p| p.ptr()).collect();
        sys::rd_kafka_CreatePartitions(rk, raw.as_mut_ptr(), raw.len(), options.ptr(), queue.ptr());
        let event = ffi::answer(&queue, timeout, "CreatePartitions")?;
        let result = sys::rd_kafka_event_CreatePartitions_result(event.ptr());
        if result.is_null() {
            return Err(RequestError::local(
                "unexpected event type in answer to CreatePartitions".into(),
            ));
        }
        let mut count = 0usize;
        let items = sys::rd_kafka_CreatePartitions_result_topics(result, &mut count);
        topic_results("CreatePartitions", items as *mut _, count)
    }
}
