//! What the live lane answers: an HTTP status and a JSON body, written into one string (no PHP
//! array is built for it).

use std::fmt::Write as _;

use super::{Refusal, Roster};

/// The live lane's answer: an HTTP status and a JSON body, built as one string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollAnswer {
    pub status: u16,
    pub body: String,
}

impl PollAnswer {
    /// `{"v":[…],"t":<now ms>}`: the rooms' versions in the token's order.
    pub fn versions(versions: &[u64], now_us: u64) -> PollAnswer {
        let mut body = String::with_capacity(16 + versions.len() * 17 + 20);
        body.push_str("{\"v\":[");
        for (i, v) in versions.iter().enumerate() {
            if i > 0 {
                body.push(',');
            }
            let _ = write!(body, "{v}");
        }
        let _ = write!(body, "],\"t\":{}}}", now_us / 1000);
        PollAnswer { status: 200, body }
    }

    /// The versions' answer with a roster after them: `{"v":[…],"t":…,"r":{…}}`.
    pub fn with_roster(mut self, roster: &Roster) -> PollAnswer {
        if self.status == 200 && self.body.ends_with('}') {
            self.body.pop();
            roster.write_json(&mut self.body);
            self.body.push('}');
        }
        self
    }

    /// `{"code":"…"}` with the refusal's status.
    pub fn refused(why: Refusal) -> PollAnswer {
        PollAnswer { status: why.status(), body: format!("{{\"code\":\"{}\"}}", why.code()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_one_json_string() {
        assert_eq!(
            PollAnswer::versions(&[12, 0, 9_007_199_254_740_991], 1_800_000_000_000_000).body,
            r#"{"v":[12,0,9007199254740991],"t":1800000000000}"#
        );
        assert_eq!(
            PollAnswer::refused(Refusal::Revoked),
            PollAnswer { status: 403, body: r#"{"code":"token_revoked"}"#.into() }
        );
        assert_eq!(PollAnswer::refused(Refusal::TooLarge).status, 400);
        assert_eq!(PollAnswer::refused(Refusal::Roster).status, 403);
        let roster = Roster { version: 4, total: 1, people: vec![(2, None)] };
        assert_eq!(
            PollAnswer::versions(&[4], 1_000).with_roster(&roster).body,
            r#"{"v":[4],"t":1,"r":{"v":4,"n":1,"u":[[2,null]]}}"#
        );
        assert_eq!(PollAnswer::refused(Refusal::Revoked).with_roster(&roster), PollAnswer::refused(Refusal::Revoked));
    }
}
