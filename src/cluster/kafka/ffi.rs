//! The few pieces every direct librdkafka admin call shares: an owning guard for each raw
//! pointer librdkafka returns (checked non-NULL, destroyed exactly once), C strings built before
//! any unsafe code runs, the admin options of a request, and waiting for its answer.
//!
//! N.B. KAFKA.md: librdkafka returns NULL for invalid input (for example
//! `rd_kafka_ConfigResource_new` with an empty name); every pointer is checked before use, here
//! and in the modules that use these pieces (`incremental_alter_configs`, `topic_requests`).

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::time::Duration;

use rdkafka::error::RDKafkaErrorCode;
use rdkafka_sys as sys;

use crate::cluster::Mode;

/// A failure of a whole request: librdkafka's or the broker's code (none for a local refusal)
/// and a message.
#[derive(Debug)]
pub(super) struct RequestError {
    pub(super) code: Option<RDKafkaErrorCode>,
    pub(super) message: String,
}

impl RequestError {
    pub(super) fn local(message: String) -> RequestError {
        RequestError {
            code: None,
            message,
        }
    }

    /// librdkafka returned NULL where it documents an object (it does for invalid input).
    pub(super) fn null(what: &str) -> RequestError {
        RequestError::local(format!(
            "librdkafka could not create {what}; nothing was sent"
        ))
    }
}

/// Per-topic results: `Ok`, or the error code and the broker's message.
pub(super) type Outcomes = Vec<(String, Result<(), (RDKafkaErrorCode, String)>)>;

/// Owns a raw pointer that librdkafka returned, checked non-NULL, destroyed exactly once.
pub(super) struct Owned<T> {
    ptr: *mut T,
    destroy: unsafe extern "C" fn(*mut T),
}

impl<T> Owned<T> {
    /// `None` for NULL. `ptr` must be a fresh object owned by the caller and freed by `destroy`.
    pub(super) fn new(ptr: *mut T, destroy: unsafe extern "C" fn(*mut T)) -> Option<Owned<T>> {
        // N.B. not `then_some`: it would build (and drop, so destroy) a guard around NULL.
        if ptr.is_null() {
            None
        } else {
            Some(Owned { ptr, destroy })
        }
    }

    /// The pointer, valid (non-NULL, not yet destroyed) for as long as the guard lives.
    pub(super) fn ptr(&self) -> *mut T {
        self.ptr
    }
}

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        // SAFETY: `ptr` is non-NULL, owned by this guard and not freed elsewhere.
        unsafe { (self.destroy)(self.ptr) }
    }
}

/// `s` as a C string; `what` names it in the error (a NUL byte inside).
pub(super) fn cstring(what: &str, s: &str) -> Result<CString, RequestError> {
    CString::new(s).map_err(|_| RequestError::local(format!("{what} contains a NUL byte")))
}

/// # Safety
/// `p` is NULL or points to a NUL-terminated string that outlives the call.
pub(super) unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

/// librdkafka's admin timeout in milliseconds.
///
/// N.B. librdkafka refuses admin request timeouts above 3,600,000 ms (`TIMEOUT_RANGE`); the
/// settings keep `--timeout` within that range, and this clamps for callers of the library.
pub(super) fn timeout_ms(timeout: Duration) -> i32 {
    i32::try_from(timeout.as_millis())
        .unwrap_or(i32::MAX)
        .min(3_600_000)
}

/// A buffer librdkafka writes an error text into.
pub(super) type ErrorText = [c_char; 512];

/// `Ok` for no error, else the code and the text librdkafka wrote into `errstr`.
pub(super) fn check(err: sys::rd_kafka_resp_err_t, errstr: &ErrorText) -> Result<(), RequestError> {
    if err == sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        Ok(())
    } else {
        Err(RequestError {
            code: Some(err.into()),
            // SAFETY: `errstr` is NUL-terminated: zeroed, and librdkafka writes a
            // NUL-terminated string into it on error.
            message: unsafe { text(errstr.as_ptr()) },
        })
    }
}

/// A new result queue of the client `rk`.
///
/// # Safety
/// `rk` is a live client for as long as the queue lives.
pub(super) unsafe fn queue(
    rk: *mut sys::rd_kafka_t,
) -> Result<Owned<sys::rd_kafka_queue_t>, RequestError> {
    Owned::new(sys::rd_kafka_queue_new(rk), sys::rd_kafka_queue_destroy)
        .ok_or_else(|| RequestError::null("a result queue"))
}

/// Admin options for `op` with the request and operation timeout and, for
/// `Mode::ValidateOnly`, `validate_only`.
///
/// # Safety
/// `rk` is a live client for as long as the options live.
pub(super) unsafe fn admin_options(
    rk: *mut sys::rd_kafka_t,
    op: sys::rd_kafka_admin_op_t,
    mode: Mode,
    timeout: Duration,
) -> Result<Owned<sys::rd_kafka_AdminOptions_t>, RequestError> {
    let options = Owned::new(
        sys::rd_kafka_AdminOptions_new(rk, op),
        sys::rd_kafka_AdminOptions_destroy,
    )
    .ok_or_else(|| RequestError::null("the request options"))?;
    let ms = timeout_ms(timeout);
    let mut errstr: ErrorText = [0; 512];
    check(
        sys::rd_kafka_AdminOptions_set_request_timeout(
            options.ptr(),
            ms,
            errstr.as_mut_ptr(),
            errstr.len(),
        ),
        &errstr,
    )?;
    // N.B. librdkafka accepts an operation timeout only for CreateTopics, DeleteTopics,
    // CreatePartitions and DeleteRecords, and refuses it for other requests.
    if !matches!(
        op,
        sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS
            | sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBEACLS
    ) {
        check(
            sys::rd_kafka_AdminOptions_set_operation_timeout(
                options.ptr(),
                ms,
                errstr.as_mut_ptr(),
                errstr.len(),
            ),
            &errstr,
        )?;
    }
    if mode == Mode::ValidateOnly {
        check(
            sys::rd_kafka_AdminOptions_set_validate_only(
                options.ptr(),
                1,
                errstr.as_mut_ptr(),
                errstr.len(),
            ),
            &errstr,
        )?;
    }
    Ok(options)
}

/// Waits for the answer to `api` on `queue` (at most `timeout` plus a margin for the client
/// itself) and checks its request-level error.
///
/// # Safety
/// `queue` is the result queue the request was sent with.
pub(super) unsafe fn answer(
    queue: &Owned<sys::rd_kafka_queue_t>,
    timeout: Duration,
    api: &str,
) -> Result<Owned<sys::rd_kafka_event_t>, RequestError> {
    let event = Owned::new(
        sys::rd_kafka_queue_poll(queue.ptr(), timeout_ms(timeout).saturating_add(5_000)),
        sys::rd_kafka_event_destroy,
    )
    .ok_or_else(|| RequestError {
        code: Some(RDKafkaErrorCode::RequestTimedOut),
        message: format!(
            "no answer to {api} within {}",
            humantime::format_duration(timeout)
        ),
    })?;
    let err = sys::rd_kafka_event_error(event.ptr());
    if err != sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        return Err(RequestError {
            code: Some(err.into()),
            message: text(sys::rd_kafka_event_error_string(event.ptr())),
        });
    }
    Ok(event)
}

/// librdkafka's version and the features it was built with (`builtin.features`: `ssl`,
/// `sasl_scram`, `sasl_oauthbearer`, ...), for `topicgate --version`.
pub(super) fn build_info() -> (String, String) {
    // SAFETY: `rd_kafka_version_str` returns a static string; the configuration is a fresh
    // object owned by the guard, read with a buffer whose size is passed, and destroyed once.
    unsafe {
        let version = text(sys::rd_kafka_version_str());
        let Some(conf) = Owned::new(sys::rd_kafka_conf_new(), sys::rd_kafka_conf_destroy) else {
            return (version, String::new());
        };
        let name = c"builtin.features";
        let mut buffer = vec![0 as c_char; 1024];
        let mut size = buffer.len();
        let result =
            sys::rd_kafka_conf_get(conf.ptr(), name.as_ptr(), buffer.as_mut_ptr(), &mut size);
        if result != sys::rd_kafka_conf_res_t::RD_KAFKA_CONF_OK || size > buffer.len() {
            return (version, String::new());
        }
        (version, text(buffer.as_ptr()))
    }
}
