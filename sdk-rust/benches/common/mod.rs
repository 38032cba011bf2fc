//! A minimal `/sdk/v1` server for benchmarks: serves one snapshot and forwards pushed
//! SSE frames to every stream, so that a real client can be fed updates at a chosen
//! rate without a database.
#![allow(dead_code, reason = "each benchmark binary uses a different part")]

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::broadcast;

pub(crate) struct Fake {
    pub(crate) base: String,
    pub(crate) push: broadcast::Sender<Arc<Vec<u8>>>,
}

/// Starts the server on `rt`.
pub(crate) fn start(rt: &tokio::runtime::Runtime, config: String) -> Fake {
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (push, _) = broadcast::channel::<Arc<Vec<u8>>>(64);
    let config = Arc::new(config);
    let tx = push.clone();
    rt.spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (config, mut rx) = (config.clone(), tx.subscribe());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut chunk = [0u8; 2048];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&chunk[..n]),
                    }
                }
                let line = String::from_utf8_lossy(&head).lines().next().unwrap_or("").to_owned();
                if line.contains("/sdk/v1/config") {
                    let r = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{config}",
                        config.len()
                    );
                    let _ = socket.write_all(r.as_bytes()).await;
                } else if line.contains("/sdk/v1/stream") {
                    let hello = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\nretry: 2000\n\n";
                    if socket.write_all(hello.as_bytes()).await.is_err() {
                        return;
                    }
                    while let Ok(frame) = rx.recv().await {
                        if socket.write_all(&frame).await.is_err() {
                            return;
                        }
                    }
                } else {
                    let _ = socket.write_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
                }
            });
        }
    });
    Fake { base, push }
}

/// An SSE `flag` event.
pub(crate) fn flag_frame(id: u64, flag: &serde_json::Value) -> Arc<Vec<u8>> {
    Arc::new(format!("event: flag\nid: {id}\ndata: {flag}\n\n").into_bytes())
}
