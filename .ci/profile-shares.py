"""Each stage's share of the workers' CPU samples, from `perf script -F comm,ip,sym` on stdin.

A sample counts for the first stage (in the order below) that a frame of its stack names; the
main thread's command is `postgres`, the I/O thread's `budgetbee-io`.
"""
import collections
import re
import sys

STAGES = [
    ("main: Postgres runs the statement (SPI_execute_plan)", "postgres", ["_SPI_execute_plan"]),
    ("main: set_config batch", "postgres", ["budgetbee::exec::context"]),
    ("main: SQL text, plan tree, negotiation", "postgres", ["budgetbee::sql::", "budgetbee::plan::"]),
    ("main: reading the result, building the response", "postgres",
     ["budgetbee::exec::statement::rows", "budgetbee::exec::ResultRow", "budgetbee::response::"]),
    ("main: handing the answer back (oneshot, eventfd)", "postgres", ["oneshot::Sender"]),
    ("main: transaction begin/commit, SPI, rest of the request", "postgres", ["budgetbee::worker::serve"]),
    ("main: waiting for the next request", "postgres", ["budgetbee::worker::wait", "budgetbee_worker_main_inner"]),
    ("main: other", "postgres", None),
    ("io: parsing the request", "budgetbee-io", ["budgetbee::api::ApiRequest::parse"]),
    ("io: handing the request over, its timer", "budgetbee-io", ["budgetbee::http::handle"]),
    # hyper's head reading is inlined into its dispatcher in some builds: its buffer's frames
    # and the lenient reader below it are what a sample names then.
    ("io: hyper reading the request", "budgetbee-io",
     ["poll_read_head", "poll_read_keep_alive", "poll_read_from_io", "Buffered<T,B>::parse",
      "LenientTarget"]),
    ("io: hyper writing the answer", "budgetbee-io", ["poll_flush", "poll_write"]),
    ("io: tokio parking and waking", "budgetbee-io", ["park", "Driver::turn"]),
    ("io: other", "budgetbee-io", None),
]


def samples(lines):
    comm, stack = None, []
    for line in lines:
        if not line.strip():
            if comm is not None:
                yield comm, stack
            comm, stack = None, []
        elif not line[0].isspace():
            comm, stack = line.split()[0], []
        else:
            parts = line.strip().split(None, 1)
            stack.append(re.sub(r"\+0x[0-9a-f]+$", "", parts[1] if len(parts) > 1 else "?"))
    if comm is not None:
        yield comm, stack


def main():
    counts, total = collections.Counter(), 0
    for comm, stack in samples(sys.stdin):
        total += 1
        for label, who, marks in STAGES:
            if who == comm and (marks is None or any(m in f for m in marks for f in stack)):
                counts[label] += 1
                break
    for label, _, _ in STAGES:
        print(f"{100 * counts[label] / max(total, 1):5.1f}%  {label}")
    print(f"{total} samples")


if __name__ == "__main__":
    main()
