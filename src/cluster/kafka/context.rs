//! The librdkafka client context: routes librdkafka's log lines into topicgate's own logging
//! (never straight to the terminal) and remembers connection-level errors, so that an
//! unreachable cluster becomes one clear error instead of a screenful of log lines.
//!
//! "Every broker is down" holds until a broker answers again (`broker_answered`): a client
//! outlives a broker restart. N.B. librdkafka reports that every broker is down once per
//! outage, and repeats an identical connection error only after 30 s, so the state is kept
//! between requests rather than judged from each request's own errors.

use std::sync::Mutex;

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};

use super::redactor::Redactor;

pub(super) struct TopicgateContext {
    problem: Mutex<Option<ConnectionProblem>>,
    last_error: Mutex<Option<String>>,
    /// The bootstrap addresses as librdkafka names them (`host:port`), and which have failed.
    bootstrap: Vec<String>,
    failed: Mutex<std::collections::BTreeSet<String>>,
    /// librdkafka's log lines and errors can quote property values: redacted on arrival.
    redactor: Redactor,
    /// Where OAUTHBEARER tokens come from, if topicgate sets them (`oauth`).
    token_source: Option<crate::model::connection::TokenSource>,
    /// Whether a broker has answered since the client started: an authentication failure after
    /// that is a failed re-authentication of a live session (KIP-368), not a wrong credential.
    answered: std::sync::atomic::AtomicBool,
}

/// A connection-level error that makes waiting pointless (until a broker answers again, for
/// all but `Authentication`).
#[derive(Debug, Clone)]
pub(super) enum ConnectionProblem {
    AllBrokersDown(String),
    Authentication(String),
    /// A failed TLS handshake (`RD_KAFKA_RESP_ERR__SSL`): an untrusted or misnamed certificate.
    Tls(String),
    Resolve(String),
}

impl TopicgateContext {
    /// `bootstrap` = the addresses as librdkafka names them (`host:port`).
    pub(super) fn new(bootstrap: Vec<String>, redactor: Redactor) -> Self {
        TopicgateContext {
            problem: Mutex::new(None),
            last_error: Mutex::new(None),
            bootstrap,
            failed: Mutex::new(Default::default()),
            redactor,
            token_source: None,
            answered: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub(super) fn with_token_source(
        mut self,
        source: Option<crate::model::connection::TokenSource>,
    ) -> Self {
        self.token_source = source;
        self
    }

    /// Serves librdkafka's token-refresh event: reads a token and sets it on `rk`, or tells
    /// librdkafka it failed and remembers why (an authentication problem: waiting cannot help).
    ///
    /// # Safety
    /// `rk` must be the live client this context belongs to.
    unsafe fn refresh_token(&self, rk: *mut rdkafka_sys::rd_kafka_t) {
        let Some(source) = &self.token_source else {
            super::oauth::fail(rk, "topicgate has no OAUTHBEARER token source for this cluster: configure `auth:` with `mechanism: oauthbearer` (`token_file`) or `msk-iam`");
            return;
        };
        let result = super::oauth::read(source).and_then(|token| {
            super::oauth::set(rk, &token)?;
            Ok(token)
        });
        match result {
            Ok(token) => {
                let now_ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64);
                log::debug!(
                    "OAUTHBEARER token set for principal `{}`, expires in {}s",
                    token.principal,
                    (token.expires_ms - now_ms) / 1000
                );
            }
            Err(why) => {
                let why = self.redactor.redact(&why);
                super::oauth::fail(rk, &why);
                if let Ok(mut problem) = self.problem.lock() {
                    *problem = Some(ConnectionProblem::Authentication(why));
                }
            }
        }
    }

    pub(super) fn problem(&self) -> Option<ConnectionProblem> {
        self.problem.lock().map(|g| g.clone()).unwrap_or(None)
    }

    /// A broker took a request: the cluster is reachable again. Forgets that every broker was
    /// down (and which bootstrap addresses had failed); an authentication failure stays.
    pub(super) fn broker_answered(&self) {
        self.answered
            .store(true, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut problem) = self.problem.lock() {
            if !matches!(
                *problem,
                Some(ConnectionProblem::Authentication(_) | ConnectionProblem::Tls(_))
            ) {
                *problem = None;
            }
        }
        if let Ok(mut failed) = self.failed.lock() {
            failed.clear();
        }
    }

    pub(super) fn last_error(&self) -> Option<String> {
        self.last_error.lock().map(|g| g.clone()).unwrap_or(None)
    }
}

impl ClientContext for TopicgateContext {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, message: &str) {
        let message = &self.redactor.redact(message);
        // librdkafka's own warnings are mostly connection noise that topicgate reports itself
        // as one error; they are visible with -vv.
        match level {
            RDKafkaLogLevel::Emerg | RDKafkaLogLevel::Alert | RDKafkaLogLevel::Critical => {
                log::error!(target: "librdkafka", "{fac}: {message}")
            }
            RDKafkaLogLevel::Error | RDKafkaLogLevel::Warning | RDKafkaLogLevel::Notice => {
                log::debug!(target: "librdkafka", "{fac}: {message}")
            }
            _ => log::trace!(target: "librdkafka", "{fac}: {message}"),
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        let reason = &self.redactor.redact(reason);
        log::debug!(target: "librdkafka", "error: {}: {reason}", self.redactor.redact(&error.to_string()));
        if let Ok(mut last) = self.last_error.lock() {
            *last = Some(reason.to_string());
        }
        let problem = match error.rdkafka_error_code() {
            Some(RDKafkaErrorCode::AllBrokersDown) => {
                ConnectionProblem::AllBrokersDown(reason.to_string())
            }
            // N.B. a failed re-authentication of a session that worked (librdkafka and Kafka
            // race on it when the broker forces re-authentication; the token may have been
            // renewed in between) is not final: librdkafka reconnects and authenticates anew,
            // and a failure that lasts ends the request at its timeout with this reason.
            Some(RDKafkaErrorCode::Authentication)
                if self.answered.load(std::sync::atomic::Ordering::Relaxed) =>
            {
                return
            }
            Some(RDKafkaErrorCode::Authentication) => {
                ConnectionProblem::Authentication(reason.to_string())
            }
            Some(RDKafkaErrorCode::Resolve) => ConnectionProblem::Resolve(reason.to_string()),
            Some(RDKafkaErrorCode::SSL) => ConnectionProblem::Tls(reason.to_string()),
            // A failed connection to one broker; the cluster is unreachable once every bootstrap
            // address has failed (librdkafka does not always say "all brokers down" for them).
            Some(RDKafkaErrorCode::BrokerTransportFailure) => {
                // `ssl://host:port/bootstrap: ...` (with the protocol, but for PLAINTEXT).
                let broker = match reason.split_once("://") {
                    Some((protocol, rest))
                        if protocol
                            .chars()
                            .all(|c| c.is_ascii_alphabetic() || c == '_') =>
                    {
                        rest
                    }
                    _ => reason,
                };
                let Some(address) = self
                    .bootstrap
                    .iter()
                    .find(|b| broker.starts_with(&format!("{b}/")))
                else {
                    return;
                };
                let Ok(mut failed) = self.failed.lock() else {
                    return;
                };
                failed.insert(address.clone());
                if failed.len() < self.bootstrap.len() {
                    return;
                }
                ConnectionProblem::AllBrokersDown(reason.to_string())
            }
            _ => return,
        };
        if let Ok(mut current) = self.problem.lock() {
            // The first cause is the most telling (a failed resolve precedes all-brokers-down).
            if current.is_none() {
                *current = Some(problem);
            }
        }
    }
}

/// Serves librdkafka's main queue (log and error events) until dropped.
///
/// N.B. rdkafka 0.39 routes librdkafka's logs and errors to the main queue, but its
/// `AdminClient` only polls its own admin queue: without this, the context never hears of
/// connection errors and log events pile up unread.
pub(super) struct MainQueuePump {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl MainQueuePump {
    pub(super) fn start(
        admin: std::sync::Arc<rdkafka::admin::AdminClient<TopicgateContext>>,
    ) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&stop);
        let handle = std::thread::Builder::new()
            .name("librdkafka main queue".into())
            .spawn(move || {
                let client = admin.inner();
                // SAFETY: the queue reference is obtained and destroyed here, while `admin`
                // (and so the client) is alive; each event is destroyed after use.
                unsafe {
                    let queue = rdkafka_sys::rd_kafka_queue_get_main(client.native_ptr());
                    if queue.is_null() {
                        log::debug!("librdkafka has no main queue; its log lines are lost");
                        return;
                    }
                    while !flag.load(Ordering::Relaxed) {
                        let event = rdkafka_sys::rd_kafka_queue_poll(queue, 50);
                        if event.is_null() {
                            continue;
                        }
                        handle_event(client.context(), client.native_ptr(), event);
                        rdkafka_sys::rd_kafka_event_destroy(event);
                    }
                    rdkafka_sys::rd_kafka_queue_destroy(queue);
                }
            })
            .expect("start the librdkafka main-queue thread");
        MainQueuePump {
            stop,
            handle: Some(handle),
        }
    }
}

impl Drop for MainQueuePump {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// # Safety
/// `event` must be a live event from the main queue of the client `rk`, which is live.
unsafe fn handle_event(
    context: &TopicgateContext,
    rk: *mut rdkafka_sys::rd_kafka_t,
    event: *mut rdkafka_sys::rd_kafka_event_t,
) {
    use std::ffi::CStr;
    let text = |p: *const std::os::raw::c_char| {
        if p.is_null() {
            String::new()
        } else {
            CStr::from_ptr(p).to_string_lossy().trim().to_string()
        }
    };
    match rdkafka_sys::rd_kafka_event_type(event) {
        rdkafka_sys::RD_KAFKA_EVENT_LOG => {
            let mut fac = std::ptr::null();
            let mut message = std::ptr::null();
            let mut level = 0;
            if rdkafka_sys::rd_kafka_event_log(event, &mut fac, &mut message, &mut level) == 0 {
                context.log(log_level(level), &text(fac), &text(message));
            }
        }
        // N.B. KAFKA.md: rdkafka's AdminClient never serves this event; this pump does.
        rdkafka_sys::RD_KAFKA_EVENT_OAUTHBEARER_TOKEN_REFRESH => context.refresh_token(rk),
        rdkafka_sys::RD_KAFKA_EVENT_ERROR => {
            let code = rdkafka_sys::rd_kafka_event_error(event);
            let reason = text(rdkafka_sys::rd_kafka_event_error_string(event));
            context.error(KafkaError::Global(code.into()), &reason);
        }
        _ => {}
    }
}

/// syslog levels, as librdkafka uses them.
fn log_level(level: i32) -> RDKafkaLogLevel {
    match level {
        0 => RDKafkaLogLevel::Emerg,
        1 => RDKafkaLogLevel::Alert,
        2 => RDKafkaLogLevel::Critical,
        3 => RDKafkaLogLevel::Error,
        4 => RDKafkaLogLevel::Warning,
        5 => RDKafkaLogLevel::Notice,
        6 => RDKafkaLogLevel::Info,
        _ => RDKafkaLogLevel::Debug,
    }
}
