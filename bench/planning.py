"""Planning cost: plan + compile against a request served with a kept plan, with the same and
with a new value of a compared variable, in one process over the demo's SQLite data.

    python -m bench planning [--requests N]

Prints microseconds per request for each case and their ratios, measured in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from federation.config import Config, SourceConfig
from federation.demo import generate
from federation.execution.operation import select_operation
from federation.gateway import Gateway

QUERY = """query ($n: Int!, $min: Int) {
  customers(limit: $n, where: {id: {_gt: $min}}, order_by: {id: asc}) {
    id orders(order_by: {id: desc}, limit: 5) {
      id order_items { quantity product { name price } }
    }
  }
}"""


async def measure(requests: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        generate(base)
        source = SourceConfig(name="crm", kind="sqlite", path=str(base / "crm.sqlite"))
        gateway = await Gateway.start(Config(sources=(source,), base_dir=base))
        try:
            parsed = gateway.documents.get(QUERY)
            operation = select_operation(parsed, None)
            start = time.perf_counter()
            for i in range(requests):
                gateway._plan(parsed, operation, gateway._coerce(operation, {"n": 10, "min": i}))
            plan = (time.perf_counter() - start) / requests
            await gateway.execute(QUERY, {"n": 10, "min": 20})
            start = time.perf_counter()
            for _ in range(requests):
                await gateway.execute(QUERY, {"n": 10, "min": 20})
            same = (time.perf_counter() - start) / requests
            start = time.perf_counter()
            for i in range(requests):  # another value each time, as much data per request
                await gateway.execute(QUERY, {"n": 10, "min": i % 40})
            new_value = (time.perf_counter() - start) / requests
        finally:
            await gateway.stop()
    return {"plan_and_compile": plan, "same_values": same, "new_value": new_value}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench planning", description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.requests))
    for name, seconds in result.items():
        print(f"{name:>17}: {seconds * 1e6:8.0f} us per request")
    print(f"new value / same values: {result['new_value'] / result['same_values']:.2f}x")
    print(
        f"plan and compile / same values: {result['plan_and_compile'] / result['same_values']:.2f}x"
    )
    return 0
