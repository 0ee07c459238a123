//! The state decoder on arbitrary bytes (they come from shared memory another process wrote):
//! never a panic; whatever it accepts encodes to bytes that decode and encode to the same bytes
//! (compared as bytes: a NaN float is not equal to itself).
#![no_main]

use libfuzzer_sys::fuzz_target;
use presence::store::codec::Value;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = Value::decode(data) {
        let again = v.encode(usize::MAX).expect("a decoded value encodes");
        let decoded = Value::decode(&again).expect("an encoded value decodes");
        assert_eq!(decoded.encode(usize::MAX).ok(), Some(again));
    }
});
