//! A small safe wrapper over librdkafka's `rd_kafka_IncrementalAlterConfigs` (KIP-339).
//!
//! N.B. KAFKA.md: the `rdkafka` crate (0.39) wraps only the legacy AlterConfigs, which replaces
//! a resource's whole set of overrides and silently reverts every override it is not given.
//! Incremental SET/DELETE touches only the named keys. librdkafka 2.12.1 (bundled by
//! rdkafka-sys 4.10) has the call; this module owns every raw pointer it needs and frees each
//! one on every path (RAII guards).

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr;
use std::time::Duration;

use rdkafka::client::{Client, ClientContext};
use rdkafka::error::RDKafkaErrorCode;
use rdkafka_sys as sys;

use crate::cluster::{ConfigAlteration, ConfigOp, Mode};

/// Per-topic results: `Ok`, or the error code and the broker's message.
pub type Outcomes = Vec<(String, Result<(), (RDKafkaErrorCode, String)>)>;

/// A failure of the whole request.
#[derive(Debug)]
pub struct RequestError {
    pub code: Option<RDKafkaErrorCode>,
    pub message: String,
}

pub(super) struct Queue(pub(super) *mut sys::rd_kafka_queue_t);
impl Drop for Queue {
    fn drop(&mut self) {
        unsafe { sys::rd_kafka_queue_destroy(self.0) }
    }
}

pub(super) struct Options(pub(super) *mut sys::rd_kafka_AdminOptions_t);
impl Drop for Options {
    fn drop(&mut self) {
        unsafe { sys::rd_kafka_AdminOptions_destroy(self.0) }
    }
}

struct Resources(Vec<*mut sys::rd_kafka_ConfigResource_t>);
impl Drop for Resources {
    fn drop(&mut self) {
        for r in &self.0 {
            unsafe { sys::rd_kafka_ConfigResource_destroy(*r) }
        }
    }
}

pub(super) struct Event(pub(super) *mut sys::rd_kafka_event_t);
impl Drop for Event {
    fn drop(&mut self) {
        unsafe { sys::rd_kafka_event_destroy(self.0) }
    }
}

pub(super) fn cstring(s: &str) -> Result<CString, RequestError> {
    CString::new(s).map_err(|_| RequestError {
        code: None,
        message: format!("`{s}` contains a NUL byte"),
    })
}

pub(super) unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

/// Sends one IncrementalAlterConfigs request for all `changes` (topic resources) and waits for
/// the answer, at most `timeout` (plus a small margin for the client itself).
pub fn incremental_alter_configs<C: ClientContext>(
    client: &Client<C>,
    changes: &[ConfigAlteration],
    mode: Mode,
    timeout: Duration,
) -> Result<Outcomes, RequestError> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let rk = client.native_ptr();
    let timeout_ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
    let mut errstr = [0 as c_char; 512];

    // SAFETY: `rk` is a live client for the lifetime of `client`; every object created here is
    // owned by a guard that destroys it exactly once, after librdkafka is done with it (the
    // request copies the resources; the result event owns its own copies).
    unsafe {
        let queue = Queue(sys::rd_kafka_queue_new(rk));
        let options = Options(sys::rd_kafka_AdminOptions_new(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS,
        ));
        let err = sys::rd_kafka_AdminOptions_set_request_timeout(
            options.0,
            timeout_ms,
            errstr.as_mut_ptr(),
            errstr.len(),
        );
        if err != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
            return Err(RequestError {
                code: Some(err.into()),
                message: text(errstr.as_ptr()),
            });
        }
        if mode == Mode::ValidateOnly {
            let err = sys::rd_kafka_AdminOptions_set_validate_only(
                options.0,
                1,
                errstr.as_mut_ptr(),
                errstr.len(),
            );
            if err != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
                return Err(RequestError {
                    code: Some(err.into()),
                    message: text(errstr.as_ptr()),
                });
            }
        }

        let mut resources = Resources(Vec::with_capacity(changes.len()));
        for change in changes {
            let name = cstring(&change.topic)?;
            let resource = sys::rd_kafka_ConfigResource_new(
                sys::rd_kafka_ResourceType_t::RD_KAFKA_RESOURCE_TOPIC,
                name.as_ptr(),
            );
            resources.0.push(resource);
            for op in &change.ops {
                let (key, op_type, value) = match op {
                    ConfigOp::Set { key, value } => (
                        key,
                        sys::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET,
                        Some(cstring(value)?),
                    ),
                    ConfigOp::Delete { key } => (
                        key,
                        sys::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE,
                        None,
                    ),
                };
                let key_c = cstring(key)?;
                let value_ptr = value.as_ref().map_or(ptr::null(), |v| v.as_ptr());
                let error = sys::rd_kafka_ConfigResource_add_incremental_config(
                    resource,
                    key_c.as_ptr(),
                    op_type,
                    value_ptr,
                );
                if !error.is_null() {
                    let message = text(sys::rd_kafka_error_string(error));
                    let code = sys::rd_kafka_error_code(error);
                    sys::rd_kafka_error_destroy(error);
                    return Err(RequestError {
                        code: Some(code.into()),
                        message: format!("`{key}` on `{}`: {message}", change.topic),
                    });
                }
            }
        }

        sys::rd_kafka_IncrementalAlterConfigs(
            rk,
            resources.0.as_mut_ptr(),
            resources.0.len(),
            options.0,
            queue.0,
        );

        let event = sys::rd_kafka_queue_poll(queue.0, timeout_ms.saturating_add(5_000));
        if event.is_null() {
            return Err(RequestError {
                code: Some(RDKafkaErrorCode::RequestTimedOut),
                message: format!("no answer within {}", humantime::format_duration(timeout)),
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
        let result = sys::rd_kafka_event_IncrementalAlterConfigs_result(event.0);
        if result.is_null() {
            return Err(RequestError {
                code: None,
                message: "unexpected event type in answer to IncrementalAlterConfigs".into(),
            });
        }
        let mut count = 0usize;
        let items = sys::rd_kafka_IncrementalAlterConfigs_result_resources(result, &mut count);
        let mut outcomes = Vec::with_capacity(count);
        for i in 0..count {
            let r = *items.add(i);
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
