//! `rd_kafka_DescribeAcls` (which `rdkafka` 0.39 does not wrap): every ACL binding of the
//! cluster, through the checked FFI pieces of `ffi`.

use std::ptr;
use std::time::Duration;

use rdkafka::client::{Client, ClientContext};
use rdkafka_sys as sys;

use super::ffi::{self, text, ErrorText, Owned, RequestError};
use crate::cluster::Mode;
use crate::model::acl::{Acl, AclOperation, AclPattern, AclResource};

/// One DescribeAcls request for every binding (resource, pattern, principal, host, operation
/// and permission all ANY).
pub(super) fn describe_acls<C: ClientContext>(
    client: &Client<C>,
    timeout: Duration,
) -> Result<Vec<Acl>, RequestError> {
    let rk = client.native_ptr();
    // SAFETY: `rk` is a live client for the lifetime of `client`. Every pointer librdkafka
    // returns is checked for NULL before use; the filter, options, queue and answer are owned
    // by guards that destroy each once; the bindings belong to the answer, read while it lives.
    unsafe {
        let queue = ffi::queue(rk)?;
        let options = ffi::admin_options(
            rk,
            sys::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBEACLS,
            Mode::Apply,
            timeout,
        )?;
        let mut errstr: ErrorText = [0; 512];
        let filter = Owned::new(
            sys::rd_kafka_AclBindingFilter_new(
                sys::rd_kafka_ResourceType_t::RD_KAFKA_RESOURCE_ANY,
                ptr::null(),
                sys::rd_kafka_ResourcePatternType_t::RD_KAFKA_RESOURCE_PATTERN_ANY,
                ptr::null(),
                ptr::null(),
                sys::rd_kafka_AclOperation_t::RD_KAFKA_ACL_OPERATION_ANY,
                sys::rd_kafka_AclPermissionType_t::RD_KAFKA_ACL_PERMISSION_TYPE_ANY,
                errstr.as_mut_ptr(),
                errstr.len(),
            ),
            sys::rd_kafka_AclBinding_destroy,
        )
        .ok_or_else(|| {
            RequestError::local(format!(
                "librdkafka refused the ACL filter: {}",
                text(errstr.as_ptr())
            ))
        })?;
        sys::rd_kafka_DescribeAcls(rk, filter.ptr(), options.ptr(), queue.ptr());
        let event = ffi::answer(&queue, timeout, "DescribeAcls")?;
        let result = sys::rd_kafka_event_DescribeAcls_result(event.ptr());
        if result.is_null() {
            return Err(RequestError::local(
                "unexpected event type in answer to DescribeAcls".into(),
            ));
        }
        let mut count = 0usize;
        let items = sys::rd_kafka_DescribeAcls_result_acls(result, &mut count);
        if items.is_null() && count > 0 {
            return Err(RequestError::local(
                "librdkafka returned no bindings in the answer to DescribeAcls".into(),
            ));
        }
        let mut acls = Vec::with_capacity(count);
        for i in 0..count {
            let b = *items.add(i);
            if b.is_null() {
                continue;
            }
            acls.push(Acl {
                // N.B. librdkafka's BROKER resource type (4) is Kafka's CLUSTER.
                resource: match sys::rd_kafka_AclBinding_restype(b) {
                    sys::rd_kafka_ResourceType_t::RD_KAFKA_RESOURCE_BROKER => AclResource::Cluster,
                    sys::rd_kafka_ResourceType_t::RD_KAFKA_RESOURCE_TOPIC => AclResource::Topic,
                    _ => AclResource::Other,
                },
                name: text(sys::rd_kafka_AclBinding_name(b)),
                pattern: match sys::rd_kafka_AclBinding_resource_pattern_type(b) {
                    sys::rd_kafka_ResourcePatternType_t::RD_KAFKA_RESOURCE_PATTERN_LITERAL => {
                        AclPattern::Literal
                    }
                    sys::rd_kafka_ResourcePatternType_t::RD_KAFKA_RESOURCE_PATTERN_PREFIXED => {
                        AclPattern::Prefixed
                    }
                    _ => AclPattern::Other,
                },
                principal: text(sys::rd_kafka_AclBinding_principal(b)),
                host: text(sys::rd_kafka_AclBinding_host(b)),
                operation: match sys::rd_kafka_AclBinding_operation(b) {
                    sys::rd_kafka_AclOperation_t::RD_KAFKA_ACL_OPERATION_CREATE => {
                        AclOperation::Create
                    }
                    sys::rd_kafka_AclOperation_t::RD_KAFKA_ACL_OPERATION_ALL => AclOperation::All,
                    _ => AclOperation::Other,
                },
                allow: sys::rd_kafka_AclBinding_permission_type(b)
                    == sys::rd_kafka_AclPermissionType_t::RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW,
            });
        }
        Ok(acls)
    }
}
