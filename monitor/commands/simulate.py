"""``simulate``: serve a simulated device on a pseudo-terminal until stopped."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from firmware_bridge.sim import PROFILE_DESCRIPTIONS, PROFILES, SimulatorConfig
from firmware_bridge.sim.device import PERSONALITIES
from monitor.commands.common import CommandError, positive_float
from monitor.numbers import as_given

#: The profile a person steps, one mass per Enter on this command's input.
ON_DEMAND = "weights-on-demand"


def profile_help() -> str:
    """Each profile with what it does (argparse formats ``%``, hence the doubling)."""
    asked = {ON_DEMAND: " (here: press Enter where this command runs)"}
    described = "; ".join(
        f"{name}: {PROFILE_DESCRIPTIONS[name]}{asked.get(name, '')}" for name in sorted(PROFILES)
    )
    return f"the force over time: {described}".replace("%", "%%")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="serve a simulated device on a pseudo-terminal",
        description="Serves a simulated load cell on a pseudo-terminal. Prints "
        "'port: /dev/pts/N' as its first line, then runs until stopped (Ctrl-C).",
    )
    parser.add_argument("--protocol", choices=sorted(PERSONALITIES), default="fgb1")
    parser.add_argument("--rate", type=positive_float, default=1000.0, help="samples/s")
    parser.add_argument(
        "--profile", choices=sorted(PROFILES), default="therapy", help=profile_help()
    )
    parser.add_argument(
        "--seed", type=int, default=SimulatorConfig.seed, help="seed of the therapy profile"
    )
    parser.add_argument("--unit", default="N", help="a text gauge's unit at power-on (N, lbf, ...)")
    parser.add_argument(
        "--line",
        default=SimulatorConfig.line,
        help="what the ascii sketch prints per reading, e.g. 'Reading: {gf:.1f} g' "
        "(fields: N gf kgf lbf counts ms)",
    )
    parser.add_argument(
        "--streams", action="store_true", help="a text gauge sends readings unasked"
    )
    parser.add_argument(
        "--stream-lost-at",
        type=positive_float,
        default=0.0,
        metavar="S",
        help="switch the gauge off and on S seconds after start (it forgets its stream)",
    )
    parser.add_argument(
        "--host-clock",
        action="store_true",
        help="stamp samples with this machine's monotonic clock (to measure latency)",
    )


def run(args: argparse.Namespace) -> int:
    if os.name != "posix":
        raise CommandError("needs a POSIX pseudo-terminal; on this system use the app's --demo")
    from firmware_bridge.sim.pty_server import Stepper, serve_pty

    try:
        config = SimulatorConfig(
            args.protocol,
            args.rate,
            args.profile,
            args.seed,
            host_clock=args.host_clock,
            unit=args.unit,
            line=args.line,
            streams=args.streams,
            stream_lost_at=args.stream_lost_at,
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    on_demand = config.profile == ON_DEMAND

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    def announce(port: str) -> None:
        say(f"port: {port}")
        say(
            f"simulating {config.protocol} at {as_given(config.rate_hz, 'Hz')}, "
            f"profile {config.profile}; Ctrl-C stops"
        )
        if on_demand:
            say("Press Enter to place the next mass on the cell.")

    stepper = (
        Stepper(sys.stdin.fileno(), lambda kg: say(f"placed: {as_given(kg, 'kg')}"))
        if on_demand
        else None
    )
    lost = serve_pty(config, stop, announce, stepper=stepper)
    if lost:
        sys.stderr.write(f"{lost} bytes were dropped while no host was reading\n")
    return 0
