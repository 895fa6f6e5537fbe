//! JSON-RPC over stdio with `Content-Length` framing (LSP's base protocol).
//!
//! lsp-server's own stdio transport ends its reader thread on the first
//! malformed payload, which would end the server; here every frame is read
//! by hand, so a bad one becomes an error response (with `id: null` when
//! no id can be read) and the next frame is read as usual. Only the end of
//! stdin ends the stream: the client went away.

use lsp_server::Message;
use serde_json::Value;
use std::io::{BufRead, Read, Write};

/// JSON-RPC error codes used for frames that are not messages.
pub const PARSE_ERROR: i32 = -32700;
pub const INVALID_REQUEST: i32 = -32600;

/// Frames larger than this are skipped unread: a note is at most 8 MiB,
/// and its JSON-escaped text fits well below.
const MAX_FRAME: usize = 64 * 1024 * 1024;
/// Header lines longer than this are not headers.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// What one frame held.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// Not a message: answered with an error, then the stream goes on.
    Invalid {
        id: Option<Value>,
        code: i32,
        message: String,
    },
}

/// Read the next frame; `None` at the end of the stream.
pub fn read(input: &mut impl BufRead) -> Option<Incoming> {
    let mut length: Option<Result<usize, String>> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        let n = input.by_ref().take(MAX_HEADER_LINE as u64).read_until(b'\n', &mut line).ok()?;
        if n == 0 {
            return None;
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if !saw_header {
                continue; // stray blank lines between frames
            }
            break;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length =
                    Some(value.trim().parse::<usize>().map_err(|_| format!("bad Content-Length `{}`", value.trim())));
            }
        }
    }
    let length = match length {
        Some(Ok(n)) => n,
        Some(Err(message)) => return Some(invalid(None, PARSE_ERROR, message)),
        None => return Some(invalid(None, PARSE_ERROR, "a frame without a Content-Length header".into())),
    };
    if length > MAX_FRAME {
        std::io::copy(&mut input.by_ref().take(length as u64), &mut std::io::sink()).ok()?;
        return Some(invalid(None, PARSE_ERROR, format!("a frame of {length} bytes is more than {MAX_FRAME}")));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).ok()?;
    Some(parse(&body))
}

fn invalid(id: Option<Value>, code: i32, message: String) -> Incoming {
    Incoming::Invalid { id, code, message }
}

/// One frame's body as a message.
pub fn parse(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return invalid(None, PARSE_ERROR, format!("the message is not JSON: {e}")),
    };
    // An id that can be read is echoed back, so the client can match it.
    let id = value.get("id").filter(|id| id.is_number() || id.is_string()).cloned();
    if !value.is_object() || value.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid(id, INVALID_REQUEST, "not a JSON-RPC 2.0 message".into());
    }
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Incoming::Message(m),
        Err(e) => invalid(id, INVALID_REQUEST, format!("not a request, response or notification: {e}")),
    }
}

/// Write a message, framed.
pub fn write(out: &mut impl Write, message: Message) -> std::io::Result<()> {
    message.write(out)
}

/// Write an error response whose id may be unknown (`null`), which
/// lsp-server's `Response` cannot express.
pub fn write_error(out: &mut impl Write, id: Option<Value>, code: i32, message: &str) -> std::io::Result<()> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id.unwrap_or(Value::Null),
        "error": {"code": code, "message": message},
    })
    .to_string();
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Incoming> {
        let mut r = std::io::BufReader::new(input.as_bytes());
        std::iter::from_fn(|| read(&mut r)).collect()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn a_bad_frame_is_an_error_and_the_next_one_is_read() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = [frame("{not json"), frame(r#"{"jsonrpc":"2.0","id":7}"#), frame("[1]"), frame(good)].concat();
        let got = frames(&input);
        assert_eq!(got.len(), 4);
        assert!(matches!(&got[0], Incoming::Invalid { id: None, code: PARSE_ERROR, .. }));
        assert!(matches!(&got[1], Incoming::Invalid { id: Some(id), code: INVALID_REQUEST, .. } if id == 7));
        assert!(matches!(&got[2], Incoming::Invalid { id: None, code: INVALID_REQUEST, .. }));
        assert!(matches!(&got[3], Incoming::Message(Message::Request(r)) if r.method == "shutdown"));
    }

    #[test]
    fn a_frame_without_length_is_an_error_and_the_end_ends() {
        let got = frames("Content-Type: x\r\n\r\n");
        assert!(matches!(&got[..], [Incoming::Invalid { code: PARSE_ERROR, .. }]));
        assert!(frames("Content-Length: 10\r\n\r\n{}").is_empty(), "a cut-off frame is the end");
    }
}
