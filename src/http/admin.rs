//! The admin server (`admin_server_port`), answered on the I/O thread from shared memory,
//! without the main thread or Postgres: `GET /live` (200: this worker is serving), `GET
//! /ready` (200 once every responsive worker has loaded its schema cache, else 503) and `GET
//! /metrics` (Prometheus text: PostgREST's metric names where they apply, the pool mapped to
//! the workers, plus requests and latencies by method, route and status summed over all
//! workers).

use crate::stats::{self, LATENCY_BOUNDS, State, Stats};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::fmt::Write;
use std::time::Duration;
use tokio::sync::watch;

/// A worker whose main loop has not turned for this long is not counted as live in /ready.
const RESPONSIVE: Duration = Duration::from_secs(10);

pub async fn serve(socket: std::net::TcpListener, mut shutdown: watch::Receiver<bool>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(socket) else {
        return;
    };
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let conn = http1::Builder::new()
                        .timer(TokioTimer::new())
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service_fn(answer));
                    tokio::spawn(conn);
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
}

async fn answer(req: hyper::Request<Incoming>) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let s = stats::stats();
    let (status, content_type, body) = match (req.method().as_str(), req.uri().path()) {
        ("GET" | "HEAD", "/live") => (200, None, String::new()),
        ("GET" | "HEAD", "/ready") => (if ready(s) { 200 } else { 503 }, None, String::new()),
        ("GET" | "HEAD", "/metrics") => (
            200,
            Some("text/plain; version=0.0.4; charset=utf-8"),
            metrics(s),
        ),
        _ => (404, None, String::new()),
    };
    let mut out = hyper::Response::new(Full::new(if req.method() == hyper::Method::HEAD {
        Bytes::new()
    } else {
        Bytes::from(body)
    }));
    *out.status_mut() = hyper::StatusCode::from_u16(status).unwrap_or_default();
    if let Some(ct) = content_type {
        out.headers_mut().insert(
            hyper::header::CONTENT_TYPE,
            hyper::header::HeaderValue::from_static(ct),
        );
    }
    Ok(out)
}

/// Ready: at least one worker serves, and every worker that serves has its schema cache.
fn ready(s: &Stats) -> bool {
    let live: Vec<_> = s
        .workers()
        .into_iter()
        .map(|(_, w)| w)
        .filter(|w| matches!(w.state, State::Idle | State::Busy) && w.responsive(RESPONSIVE))
        .collect();
    !live.is_empty() && live.iter().all(|w| w.schema_generation > 0)
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The Prometheus text exposition.
pub fn metrics(s: &Stats) -> String {
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, samples: &[(String, String)]| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    let n = |v: u64| v.to_string();
    let load = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
    let workers = s.workers();
    let pool_max = s.pool_max.load(std::sync::atomic::Ordering::Relaxed);
    let available = workers
        .iter()
        .filter(|(_, w)| w.state == State::Idle && w.responsive(RESPONSIVE))
        .count();
    let waiting: u32 = workers.iter().map(|(_, w)| w.waiting).sum();
    metric(
        "pgrst_schema_cache_query_time_seconds",
        "gauge",
        "The query time in seconds of the last schema cache load",
        &[(
            String::new(),
            format!("{}", load(&s.schema_load_us) as f64 / 1e6),
        )],
    );
    metric(
        "pgrst_schema_cache_loads_total",
        "counter",
        "The total number of times the schema cache was loaded",
        &[
            ("{status=\"SUCCESS\"}".into(), n(load(&s.schema_loads_ok))),
            ("{status=\"FAIL\"}".into(), n(load(&s.schema_loads_failed))),
        ],
    );
    metric(
        "pgrst_db_pool_max",
        "gauge",
        "Max pool connections (budgetbee: worker processes, db_pool)",
        &[(String::new(), pool_max.to_string())],
    );
    metric(
        "pgrst_db_pool_available",
        "gauge",
        "Available connections in the pool (budgetbee: idle workers)",
        &[(String::new(), available.to_string())],
    );
    metric(
        "pgrst_db_pool_waiting",
        "gauge",
        "Requests waiting to acquire a pool connection (budgetbee: requests queued at a worker)",
        &[(String::new(), waiting.to_string())],
    );
    metric(
        "pgrst_db_pool_timeouts_total",
        "counter",
        "The total number of pool connection timeouts (budgetbee: requests no worker took within db_pool_acquisition_timeout)",
        &[(String::new(), n(load(&s.pool_timeouts)))],
    );
    metric(
        "pgrst_jwt_cache_requests_total",
        "counter",
        "The total number of JWT cache lookups",
        &[(String::new(), n(load(&s.jwt_cache_requests)))],
    );
    metric(
        "pgrst_jwt_cache_hits_total",
        "counter",
        "The total number of JWT cache hits",
        &[(String::new(), n(load(&s.jwt_cache_hits)))],
    );
    metric(
        "pgrst_jwt_cache_evictions_total",
        "counter",
        "The total number of JWT cache evictions",
        &[(String::new(), n(load(&s.jwt_cache_evictions)))],
    );
    let cells = s.cells();
    let status_label = |status: u16| {
        if status == 0 {
            "other".to_string()
        } else {
            status.to_string()
        }
    };
    metric(
        "budgetbee_requests_total",
        "counter",
        "Requests answered, by method, route kind and status",
        &cells
            .iter()
            .map(|c| {
                (
                    format!(
                        "{{method=\"{}\",route=\"{}\",status=\"{}\"}}",
                        escape(c.method),
                        c.route.name(),
                        status_label(c.status)
                    ),
                    n(c.count),
                )
            })
            .collect::<Vec<_>>(),
    );
    // The histogram sums statuses: by method and route.
    let mut by_route: BTreeMap<(&str, &str), (Vec<u64>, u64, u64)> = BTreeMap::new();
    for c in &cells {
        let e = by_route
            .entry((c.method, c.route.name()))
            .or_insert_with(|| (vec![0; LATENCY_BOUNDS.len() + 1], 0, 0));
        for (i, b) in c.buckets.iter().enumerate() {
            e.0[i] += b;
        }
        e.1 += c.count;
        e.2 += c.total_us;
    }
    let mut samples = Vec::new();
    for ((method, route), (buckets, count, total_us)) in &by_route {
        let labels = format!("method=\"{}\",route=\"{route}\"", escape(method));
        let mut cumulative = 0;
        for (i, b) in buckets.iter().enumerate() {
            cumulative += b;
            let le = LATENCY_BOUNDS
                .get(i)
                .map_or("+Inf".to_string(), |b| b.to_string());
            samples.push((
                format!("_bucket{{{labels},le=\"{le}\"}}"),
                cumulative.to_string(),
            ));
        }
        samples.push((
            format!("_sum{{{labels}}}"),
            format!("{}", *total_us as f64 / 1e6),
        ));
        samples.push((format!("_count{{{labels}}}"), count.to_string()));
    }
    let name = "budgetbee_request_duration_seconds";
    let _ = writeln!(
        out,
        "# HELP {name} Time from receiving a request to its answer, by method and route kind"
    );
    let _ = writeln!(out, "# TYPE {name} histogram");
    for (suffix, value) in samples {
        let _ = writeln!(out, "{name}{suffix} {value}");
    }
    out
}

#[cfg(test)]
mod unit {
    use super::*;
    use crate::stats::Route;

    #[test]
    fn metrics_name_postgrest_s_metrics_and_count_requests() {
        let s = Box::new(Stats::zeroed());
        s.record("GET", Route::Relation, 200, Duration::from_millis(3));
        s.record("GET", Route::Relation, 404, Duration::from_millis(1));
        let text = metrics(&s);
        assert!(text.contains("# TYPE pgrst_schema_cache_loads_total counter"));
        assert!(text.contains(
            "budgetbee_requests_total{method=\"GET\",route=\"relation\",status=\"200\"} 1"
        ));
        assert!(text.contains(
            "budgetbee_request_duration_seconds_bucket{method=\"GET\",route=\"relation\",le=\"+Inf\"} 2"
        ));
        assert!(text.contains(
            "budgetbee_request_duration_seconds_count{method=\"GET\",route=\"relation\"} 2"
        ));
        assert!(!ready(&s), "no worker serves yet");
    }
}
