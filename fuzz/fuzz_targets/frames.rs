//! Tagged frontend messages: any bytes parse to messages, "incomplete", or 08P01, never a panic.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut buf = BytesMut::from(data);
    while let Ok(Some(_)) = devdb_wire::codec::read_message(&mut buf) {}
});
