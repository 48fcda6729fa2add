"""pressmon inside an asyncio program: fetch concurrently, flag, and run the monitor.

    python examples/async_monitor.py CONFIG.toml

Fetches the configuration's feeds with ``pressmon.afetch`` (without touching the
state) to show what is flagged right now, then runs the monitor once with
``pressmon.arun_monitor`` (which remembers what it has already alerted): it
fetches on this event loop and records in a worker thread, so the loop stays free.
"""

from __future__ import annotations

import asyncio
import sys

import pressmon


async def preview(config: pressmon.MonitorConfig) -> int:
    """Fetch every feed concurrently and count the flagged articles (no state, no alerts)."""
    urls = [feed.url for feed in config.all_feeds()]
    results = await pressmon.afetch(urls, timeout=config.fetch.timeout)
    flagged = sum(
        1
        for result in results
        for article in result.articles
        if pressmon.detect(article, config.topics)
    )
    print(f"preview: {flagged} flagged article(s) in {len(results)} feed(s)")
    return flagged


async def main(path: str) -> int:
    config = pressmon.load_config(path)
    await preview(config)
    report = await pressmon.arun_monitor(config)
    print(f"monitor: {len(report.alerts)} new alert(s), {report.pending} pending")
    for alert in report.alerts:
        also = f" (also in {len(alert.copies)} other source(s))" if alert.copies else ""
        print(f"  {alert.article.title}{also}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
