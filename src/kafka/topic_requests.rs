//! CreateTopics and CreatePartitions through librdkafka directly, so that each topic's refusal
//! keeps the broker's own message.
//!
//! N.B. KAFKA.md: Apache Kafka explains a refusal per topic (for example "The target replication
//! factor of 3 cannot be reached because only 1 broker(s) are registered"); the `rdkafka` crate's
//! `create_topics` and `create_partitions` (0.39) return only the error code and drop that
//! message. Raw pointers are owned by RAII guards, as in `incremental_alter_configs`.

use std::os::raw::c_char;
use std::time::Duration;

use rdkafka::client::{Client, ClientContext};
use rdkafka::error::RDKafkaErrorCode;
use rdkafka_sys as sys;

use super::incremental_alter_configs::{cstring, text, Event, Options, Queue, RequestError};
use crate::cluster::{Mode, NewTopic};

/// Per-topic results: `Ok`, or the error code and the broker's message.
pub type Outcomes = Vec<(String, Result<(), (RDKafkaErrorCode, String)>)>;

struct NewTopics(Vec<*mut sys::rd_kafka_NewTopic_t>);
impl Drop for NewTopics {
    fn drop(&mut self) {
        for t in &self.0 {
            unsafe { sys::rd_kafka_NewTopic_destroy(*t) }
        }
    }
}

struct NewPartitions(Vec<*mut sys::rd_kafka_NewPartitions_t>);
impl Drop for NewPartitions {
    fn drop(&mut self) {
        for p in &self.0 {
            unsafe { sys::rd_kafka_NewPartitions_destroy(*p) }
        }
    }
}

fn check(err: sys::rd_kafka_resp_err_t, errstr: &[c_char]) -> Result<(), RequestError> {
    if err == sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        Ok(())
    } else {
        Err(RequestError {
            code: Some(err.into()),
            // SAFETY: librdkafka writes a NUL-terminated string into `errstr` on error.
            message: unsafe { text(errstr.as_ptr()) },
        })
    }
}

/// Admin options with the request timeout and, for `Mode::ValidateOnly`, `validate_only`.
unsafe fn options(
    rk: *mut sys::rd_kafka_t,
    op: sys::rd_kafka_admin_op_t,
    mode: Mode,
    timeout_ms: i32,
) -> Result<Options, RequestError> {
    let mut errstr = [0 as c_char; 512];
    let options = Options(sys::rd_kafka_AdminOptions_new(rk, op));
    check(
        sys::rd_kafka_AdminOptions_set_request_timeout(
            options.0,
            timeout_ms,
            errstr.as_mut_ptr(),
            errstr.len(),
        ),
        &errstr,
    )?;
    check(
        sys::rd_kafka_AdminOptions_set_operation_timeout(
            options.0,
            timeout_ms,
            errstr.as_mut_ptr(),
            errstr.len(),
        ),
        &errstr,
    )?;
    if mode == Mode::ValidateOnly {
        check(
            sys::rd_kafka_AdminOptions_set_validate_only(
                options.0,
                1,
                errstr.as_mut_ptr(),
                errstr.len(),
            ),
            &errstr,
        )?;
    }
    Ok(options)
}

/// Waits for the answer on `queue` and checks the request-level error.
unsafe fn answer(queue: &Queue, timeout: Duration, api: &str) -> Result<Event, RequestError> {
    let timeout_ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
    let event = sys::rd_kafka_queue_poll(queue.0, timeout_ms.saturating_add(5_000));
    if event.is_null() {
        return Err(RequestError {
            code: Some(RDKafkaErrorCode::RequestTimedOut),
            message: format!(
                "no answer to {api} within {}",
                humantime::format_duration(timeout)
            ),
        });
    }
    let event = Event(event);
    let err = sys::rd_kafka_event_error(event.0);
    if err != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        return Err(RequestError {
            code: Some(err.into()),
            message: text(sys::rd_kafka_event_error_string(event.0)),
        });
    }
    Ok(event)
}

/// The per-topic results of a CreateTopics or CreatePartitions answer.
unsafe fn topic_results(items: *mut *const sys::rd_kafka_topic_result_t, count: usize) -> Outcomes {
    let mut outcomes = Vec::with_capacity(count);
    for i in 0..count {
        let r = *items.add(i);
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
    outcomes
}

/// One CreateTopics request for all `topics`.
pub fn create_topics<C: ClientContext>(
    client: &Client<C>,
    topics: &[NewTopic],
    mode: Mode,
    timeout: Duration,
) -> Result<Outcomes, RequestError> {
    if topics.is_empty() {
        return Ok(Vec::new());
    }
    let rk = client.native_ptr();
    let timeout_ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
    let mut errstr = [0 as c_char; 512];
    // SAFETY: `rk` is live for the lifetime of `client`; each object created here is owned by a
    // guard that destroys it once, after librdkafka is done with it (the request copies the new
    // topics; the result event owns its results).
    unsafe {
        let queue = Queue(sys::rd_kafka_queue_new(rk));
        let options = options(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_CREATETOPICS,
            mode,
            timeout_ms,
        )?;
        let mut new_topics = NewTopics(Vec::with_capacity(topics.len()));
        for topic in topics {
            let name = cstring(&topic.name)?;
            let t = sys::rd_kafka_NewTopic_new(
                name.as_ptr(),
                topic.partitions,
                i32::from(topic.replication_factor),
                errstr.as_mut_ptr(),
                errstr.len(),
            );
            if t.is_null() {
                return Err(RequestError {
                    code: None,
                    message: format!("`{}`: {}", topic.name, text(errstr.as_ptr())),
                });
            }
            new_topics.0.push(t);
            for (key, value) in &topic.configs {
                let (k, v) = (cstring(key)?, cstring(value)?);
                let err = sys::rd_kafka_NewTopic_set_config(t, k.as_ptr(), v.as_ptr());
                if err != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
                    return Err(RequestError {
                        code: Some(err.into()),
                        message: format!("`{key}` on `{}`", topic.name),
                    });
                }
            }
        }
        sys::rd_kafka_CreateTopics(
            rk,
            new_topics.0.as_mut_ptr(),
            new_topics.0.len(),
            options.0,
            queue.0,
        );
        let event = answer(&queue, timeout, "CreateTopics")?;
        let result = sys::rd_kafka_event_CreateTopics_result(event.0);
        if result.is_null() {
            return Err(RequestError {
                code: None,
                message: "unexpected event type in answer to CreateTopics".into(),
            });
        }
        let mut count = 0usize;
        let items = sys::rd_kafka_CreateTopics_result_topics(result, &mut count);
        Ok(topic_results(items as *mut _, count))
    }
}

/// One CreatePartitions request: each topic to its new total partition count.
pub fn create_partitions<C: ClientContext>(
    client: &Client<C>,
    changes: &[(String, i32)],
    mode: Mode,
    timeout: Duration,
) -> Result<Outcomes, RequestError> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let rk = client.native_ptr();
    let timeout_ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
    let mut errstr = [0 as c_char; 512];
    // SAFETY: as in `create_topics`.
    unsafe {
        let queue = Queue(sys::rd_kafka_queue_new(rk));
        let options = options(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_CREATEPARTITIONS,
            mode,
            timeout_ms,
        )?;
        let mut parts = NewPartitions(Vec::with_capacity(changes.len()));
        for (topic, count) in changes {
            let name = cstring(topic)?;
            let total = usize::try_from(*count).unwrap_or(0);
            let p = sys::rd_kafka_NewPartitions_new(
                name.as_ptr(),
                total,
                errstr.as_mut_ptr(),
                errstr.len(),
            );
            if p.is_null() {
                return Err(RequestError {
                    code: None,
                    message: format!("`{topic}`: {}", text(errstr.as_ptr())),
                });
            }
            parts.0.push(p);
        }
        sys::rd_kafka_CreatePartitions(rk, parts.0.as_mut_ptr(), parts.0.len(), options.0, queue.0);
        let event = answer(&queue, timeout, "CreatePartitions")?;
        let result = sys::rd_kafka_event_CreatePartitions_result(event.0);
        if result.is_null() {
            return Err(RequestError {
                code: None,
                message: "unexpected event type in answer to CreatePartitions".into(),
            });
        }
        let mut count = 0usize;
        let items = sys::rd_kafka_CreatePartitions_result_topics(result, &mut count);
        Ok(topic_results(items as *mut _, count))
    }
}
