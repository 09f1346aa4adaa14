//! A small safe wrapper over librdkafka's `rd_kafka_IncrementalAlterConfigs` (KIP-339).
//!
//! N.B. KAFKA.md: the `rdkafka` crate (0.39) wraps only the legacy AlterConfigs, which replaces
//! a resource's whole set of overrides and silently reverts every override it is not given.
//! Incremental SET/DELETE touches only the named keys. librdkafka 2.12.1 (bundled by
//! rdkafka-sys 4.10) has the call; this module owns every raw pointer it needs and frees each
//! one on every path (RAII guards).

use std::ptr;
use std::time::Duration;

use rdkafka::client::{Client, ClientContext};
use rdkafka_sys as sys;

use super::ffi::{self, cstring, text, Outcomes, Owned, RequestError};
use crate::cluster::{ConfigAlteration, ConfigOp, Mode};

/// Sends one IncrementalAlterConfigs request for all `changes` (topic resources) and waits for
/// the answer, at most `timeout` (plus a small margin for the client itself). Every object
/// librdkafka hands back is checked before use: an invalid topic name (librdkafka returns NULL
/// for an empty one) is an error, and nothing is sent.
pub(super) fn incremental_alter_configs<C: ClientContext>(
    client: &Client<C>,
    changes: &[ConfigAlteration],
    mode: Mode,
    timeout: Duration,
) -> Result<Outcomes, RequestError> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let rk = client.native_ptr();

    // Every C string is built (and every name checked) before anything is handed to librdkafka.
    let mut requests = Vec::with_capacity(changes.len());
    for change in changes {
        let name = cstring(&format!("the topic name `{}`", change.topic), &change.topic)?;
        let mut ops = Vec::with_capacity(change.ops.len());
        for op in &change.ops {
            let what = |key: &str| format!("`{key}` of topic `{}`", change.topic);
            ops.push(match op {
                ConfigOp::Set { key, value } => (
                    key.as_str(),
                    cstring(&what(key), key)?,
                    sys::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET,
                    Some(cstring(&format!("the value of {}", what(key)), value)?),
                ),
                ConfigOp::Delete { key } => (
                    key.as_str(),
                    cstring(&what(key), key)?,
                    sys::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE,
                    None,
                ),
            });
        }
        requests.push((change.topic.as_str(), name, ops));
    }

    // SAFETY: `rk` is a live client for the lifetime of `client`. Every pointer librdkafka
    // returns is checked for NULL before use and owned by an `Owned` guard that destroys it
    // exactly once, after librdkafka is done with it (the request copies the resources; the
    // result event owns its own copies, which live as long as `event`).
    unsafe {
        let queue = ffi::queue(rk)?;
        let options = ffi::admin_options(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS,
            mode,
            timeout,
        )?;

        let mut resources = Vec::with_capacity(requests.len());
        for (topic, name, ops) in &requests {
            let resource = Owned::new(
                sys::rd_kafka_ConfigResource_new(
                    sys::rd_kafka_ResourceType_t::RD_KAFKA_RESOURCE_TOPIC,
                    name.as_ptr(),
                ),
                sys::rd_kafka_ConfigResource_destroy,
            )
            .ok_or_else(|| {
                RequestError::local(format!(
                    "librdkafka refused the topic name `{topic}` (empty or invalid); nothing was sent"
                ))
            })?;
            for (key, key_c, op_type, value) in ops {
                let value_ptr = value.as_ref().map_or(ptr::null(), |v| v.as_ptr());
                let error = sys::rd_kafka_ConfigResource_add_incremental_config(
                    resource.ptr(),
                    key_c.as_ptr(),
                    *op_type,
                    value_ptr,
                );
                if let Some(error) = Owned::new(error, sys::rd_kafka_error_destroy) {
                    return Err(RequestError {
                        code: Some(sys::rd_kafka_error_code(error.ptr()).into()),
                        message: format!(
                            "`{key}` on `{topic}`: {}",
                            text(sys::rd_kafka_error_string(error.ptr()))
                        ),
                    });
                }
            }
            resources.push(resource);
        }
        let mut raw: Vec<*mut sys::rd_kafka_ConfigResource_t> =
            resources.iter().map(|r| r.ptr()).collect();

        sys::rd_kafka_IncrementalAlterConfigs(
            rk,
            raw.as_mut_ptr(),
            raw.len(),
            options.ptr(),
            queue.ptr(),
        );

        let event = ffi::answer(&queue, timeout, "IncrementalAlterConfigs")?;
        let result = sys::rd_kafka_event_IncrementalAlterConfigs_result(event.ptr());
        if result.is_null() {
            return Err(RequestError::local(
                "unexpected event type in answer to IncrementalAlterConfigs".into(),
            ));
        }
        let mut count = 0usize;
        let items = sys::rd_kafka_IncrementalAlterConfigs_result_resources(result, &mut count);
        if items.is_null() && count > 0 {
            return Err(RequestError::local(
                "librdkafka returned no resources in the answer to IncrementalAlterConfigs".into(),
            ));
        }
        let mut outcomes = Vec::with_capacity(count);
        for i in 0..count {
            let r = *items.add(i);
            if r.is_null() {
                continue;
            }
            let name = text(sys::rd_kafka_ConfigResource_name(r));
            let code = sys::rd_kafka_ConfigResource_error(r);
            let outcome = if code == sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
                Ok(())
            } else {
                Err((
                    code.into(),
                    text(sys::rd_kafka_ConfigResource_error_string(r)),
                ))
            };
            outcomes.push((name, outcome));
        }
        Ok(outcomes)
    }
}
