//! A bounded open-loop HTTP load generator for `aimass serve` (benches/serve/run.sh).
//!
//! `load ADDR PATH BODY_FILE RATE SECONDS CONNECTIONS`: CONNECTIONS keep-alive connections,
//! each a thread sending one request at a time. With RATE > 0 each connection sends on a
//! fixed schedule (RATE / CONNECTIONS per second) and latency is measured from the time a
//! request was due, not sent, so a stall counts against the server (no coordinated
//! omission); RATE 0 is saturation (send as soon as the last answer came). Prints one JSON
//! line: sent, errors (non-200 or I/O), achieved rate, p50/p90/p99/max in milliseconds.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.len() != 6 {
        eprintln!("usage: load ADDR PATH BODY_FILE RATE SECONDS CONNECTIONS");
        std::process::exit(2);
    }
    let addr = args[0].clone();
    let path = args[1].clone();
    let body = std::fs::read(&args[2]).unwrap_or_else(|e| {
        eprintln!("cannot read {}: {e}", args[2]);
        std::process::exit(2)
    });
    let parse = |s: &str| -> f64 {
        s.parse().unwrap_or_else(|_| {
            eprintln!("not a number: {s}");
            std::process::exit(2)
        })
    };
    let rate = parse(&args[3]);
    let seconds = parse(&args[4]);
    let connections = parse(&args[5]).max(1.0) as usize;
    let request = {
        let mut r = format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        r.extend_from_slice(&body);
        r
    };
    let start = Instant::now() + Duration::from_millis(100);
    let end = start + Duration::from_secs_f64(seconds);
    let interval = (rate > 0.0).then(|| Duration::from_secs_f64(connections as f64 / rate));
    let workers: Vec<_> = (0..connections)
        .map(|k| {
            let (addr, request) = (addr.clone(), request.clone());
            std::thread::spawn(move || {
                // Connections start staggered across one interval.
                let offset =
                    interval.map_or(Duration::ZERO, |i| i.mul_f64(k as f64 / connections as f64));
                worker(&addr, &request, start + offset, end, interval)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0u64;
    for w in workers {
        let (l, e) = w.join().unwrap_or_default();
        latencies.extend(l);
        errors += e;
    }
    latencies.sort_by(f64::total_cmp);
    let q = |p: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((p * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i] * 1e3
    };
    let sent = latencies.len() as u64 + errors;
    println!(
        "{{\"sent\": {sent}, \"ok\": {}, \"errors\": {errors}, \"rate\": {:.0}, \"p50_ms\": {:.3}, \"p90_ms\": {:.3}, \"p99_ms\": {:.3}, \"max_ms\": {:.3}}}",
        latencies.len(),
        sent as f64 / seconds,
        q(0.50),
        q(0.90),
        q(0.99),
        q(1.0)
    );
}

/// Latencies (seconds) of the requests answered 200, and the count of the others.
fn worker(
    addr: &str,
    request: &[u8],
    first: Instant,
    end: Instant,
    interval: Option<Duration>,
) -> (Vec<f64>, u64) {
    let mut latencies = Vec::new();
    let mut errors = 0;
    let connect = || {
        let s = TcpStream::connect(addr).ok()?;
        s.set_nodelay(true).ok()?;
        Some(BufReader::new(s))
    };
    let Some(mut conn) = connect() else {
        return (latencies, 1);
    };
    let mut due = first;
    while due < end {
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
        let sent_at = if interval.is_some() {
            due
        } else {
            Instant::now()
        };
        match exchange(&mut conn, request) {
            Ok(200) => latencies.push(sent_at.elapsed().as_secs_f64()),
            Ok(_) => errors += 1,
            Err(_) => {
                errors += 1;
                match connect() {
                    Some(c) => conn = c,
                    None => return (latencies, errors),
                }
            }
        }
        due = match interval {
            Some(i) => due + i,
            None => Instant::now(),
        };
    }
    (latencies, errors)
}

/// One request and its response on a keep-alive connection; the status code.
fn exchange(conn: &mut BufReader<TcpStream>, request: &[u8]) -> std::io::Result<u16> {
    conn.get_mut().write_all(request)?;
    let mut line = String::new();
    conn.read_line(&mut line)?;
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status line"))?;
    let mut length = 0usize;
    loop {
        line.clear();
        conn.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    conn.read_exact(&mut body)?;
    Ok(status)
}
