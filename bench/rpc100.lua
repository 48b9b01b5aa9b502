-- wrk: POST /rpc/bench_transactions_since with a JSON body, as postgrest-js's rpc() sends it.
wrk.method = "POST"
wrk.body = '{"since":"2026-01-01T00:00:00Z"}'
wrk.headers["Content-Type"] = "application/json"
