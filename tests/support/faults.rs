//! The fault proxy (tests/faults/proxy.py) between the SDK (or the operator binary) and moto: rules answer chosen
//! requests with AWS errors or stall them; every request is counted by operation. Loopback only, killed on drop.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running fault proxy.
pub struct FaultProxy {
    child: Child,
    port: u16,
    /// `http://127.0.0.1:PORT`: the endpoint to give the SDK instead of moto's.
    pub endpoint: String,
}

/// An error answer in the AWS query protocol (STS, CloudWatch, SNS, IAM ...).
pub fn query_error(status: u16, code: &str, message: &str) -> Value {
    serde_json::json!({
        "status": status,
        "headers": {"Content-Type": "text/xml"},
        "body": format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
             <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ErrorResponse>"
        ),
    })
}

/// An error answer in Smithy RPC v2 CBOR (CloudWatch, which aws-sdk-cloudwatch 1.100+ speaks): body
/// `{"__type": "com.amazonaws.cloudwatch#<code>", "message": ...}`, and the query error code in `x-amzn-query-error`
/// (CloudWatch is awsQueryCompatible: the SDK takes the code from that header). The binary body goes to the proxy
/// hex-encoded (`body_hex`).
pub fn rpc_v2_cbor_error(status: u16, code: &str, message: &str) -> Value {
    // A CBOR map of text strings: major type 5 / 3 heads with the length in the additional information.
    fn head(major: u8, len: usize, out: &mut Vec<u8>) {
        match len {
            0..=23 => out.push(major << 5 | len as u8),
            24..=0xff => out.extend([major << 5 | 24, len as u8]),
            _ => {
                out.push(major << 5 | 25);
                out.extend((len as u16).to_be_bytes());
            }
        }
    }
    let type_id = format!("com.amazonaws.cloudwatch#{code}");
    let mut body = Vec::new();
    head(5, 2, &mut body);
    for text in ["__type", type_id.as_str(), "message", message] {
        head(3, text.len(), &mut body);
        body.extend(text.as_bytes());
    }
    serde_json::json!({
        "status": status,
        "headers": {
            "Content-Type": "application/cbor",
            "smithy-protocol": "rpc-v2-cbor",
            "x-amzn-query-error": format!("{code};Sender"),
        },
        "body_hex": body.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    })
}

impl FaultProxy {
    /// Start the proxy in front of `upstream` and wait (at most 30 s) until it listens.
    pub fn start(upstream: &str) -> Self {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let venv = root.join(".venv/bin/python");
        let python = if venv.exists() {
            venv
        } else {
            PathBuf::from("python3")
        };
        let mut child = Command::new(python)
            .arg(root.join("tests/faults/proxy.py"))
            .args(["--upstream", upstream, "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tests/faults/proxy.py");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the fault proxy did not start within 30 s");
        let port: u16 = line
            .trim()
            .strip_prefix("listening ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line of the fault proxy: {line:?}"));
        FaultProxy {
            child,
            port,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    fn call(&self, method: &str, path: &str, body: &str) -> String {
        let mut s =
            TcpStream::connect(("127.0.0.1", self.port)).expect("connect to the fault proxy");
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        assert!(
            text.starts_with("HTTP/1.1 200") || text.starts_with("HTTP/1.0 200"),
            "{text}"
        );
        text.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default()
    }

    /// Replace the rules (see tests/faults/proxy.py).
    pub fn set_rules(&self, rules: Value) {
        self.call("PUT", "/__faults__/rules", &rules.to_string());
    }

    /// Requests seen per operation, faulted ones included.
    pub fn counts(&self) -> Value {
        serde_json::from_str(&self.call("GET", "/__faults__/counts", "")).unwrap()
    }

    /// Requests answered by a rule, per operation.
    pub fn faulted(&self) -> Value {
        serde_json::from_str(&self.call("GET", "/__faults__/faulted", "")).unwrap()
    }

    /// Requests seen of one operation.
    pub fn count(&self, operation: &str) -> u64 {
        self.counts()[operation].as_u64().unwrap_or(0)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
