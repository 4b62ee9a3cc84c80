//! The untagged startup family: SSLRequest, CancelRequest, StartupMessage.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buf = BytesMut::from(data);
    let _ = devdb_wire::codec::read_startup(&mut buf);
});
