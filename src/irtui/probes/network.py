"""The `ports` probe: a TCP connect to every configured Gateway/TWS port.

A connect that succeeds is closed at once without a byte sent (what `nc -z` does);
the API handshake is the `api` probe's job.
"""

from __future__ import annotations

import asyncio
import errno

from irtui.config import Config
from irtui.probes.common import Stopwatch, make_result
from irtui.probes.result import ProbeResult, Status

CLOSE_WAIT_S = 1.0


async def port_state(host: str, port: int, timeout: float) -> tuple[str, str]:
    """(state, detail): state is open, refused, timeout or error."""
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except ConnectionRefusedError:
        return "refused", "connection refused"
    except TimeoutError:
        return "timeout", f"no answer within {timeout:g}s"
    except OSError as exc:
        if exc.errno == errno.ECONNREFUSED:
            return "refused", "connection refused"
        return "error", exc.strerror or str(exc)
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), CLOSE_WAIT_S)
    except (TimeoutError, OSError):
        pass
    return "open", "accepts TCP"


async def probe_ports(config: Config) -> ProbeResult:
    watch = Stopwatch()
    gw = config.gateway
    ports = gw.all_ports
    states = await asyncio.gather(*(port_state(gw.host, port, gw.connect_timeout_s) for port in ports))
    by_port = dict(zip(ports, states))
    open_ports = [port for port, (state, _) in by_port.items() if state == "open"]
    trading_state = by_port[gw.trading_port][0]
    facts = {
        "trading_port": gw.trading_port,
        "trading_port_state": trading_state,
        "any_open": bool(open_ports),
        "open_ports": open_ports,
        "gateway_port_open": any(p not in gw.tws_ports for p in open_ports),
        "tws_port_open": any(p in gw.tws_ports for p in open_ports),
    }
    detail = {
        "host": gw.host,
        "ports": {str(port): state for port, (state, _) in by_port.items()},
        "port_details": {str(port): why for port, (_, why) in by_port.items()},
    }
    where = f"{gw.host}:{gw.trading_port}"
    others = [p for p in open_ports if p != gw.trading_port]
    if trading_state == "open":
        status, summary = Status.OK, f"Trading port {where} accepts TCP"
        if others:
            summary += f" (also open: {', '.join(map(str, others))})"
    elif others:
        status = Status.WARN
        summary = (
            f"Trading port {where} {_wording(trading_state)}, but {', '.join(map(str, others))} "
            "open: is the system on the wrong port?"
        )
    else:
        status = Status.FAIL
        summary = f"Trading port {where} {_wording(trading_state)}; no configured port is open"
    return make_result("ports", status, summary, facts, detail, watch)


def _wording(state: str) -> str:
    return {
        "refused": "refused (nothing listening)",
        "timeout": "timed out (firewall or host down?)",
        "error": "unreachable",
    }.get(state, state)
