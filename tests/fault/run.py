"""Drives the fault run: people and devices, the workflow threads, SIGKILLs of the server, the final sync."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.protocol.client import uuid7

from .device import Device
from .server import KillableServer
from .workflow import MANAGER_ROLES, step

PASSWORD = "demo1234"
NEW_PASSWORD = "chaos-pass-2026"
# Enterprise -> (demo officer who creates the others, demo users, new officers, new workers).
PEOPLE = {
    "a": ("officer-a", ["officer-a", "principal-a", "worker-a1", "worker-a2", "contractor-a"], 1, 6),
    "b": ("officer-b", ["officer-b", "worker-b1"], 1, 5),
}
BUDGET = {"worker": 6, "manager": 10}
RESTART_SHARE = 0.05
IDLE_SECONDS = (0.1, 0.4)
DOWN_SECONDS = 0.3


def make_people(folder: Path, base: str, seed: int, deadline: float) -> tuple[list, list[Device]]:
    """Create extra officers and workers by user.create; return (username, password) pairs, setup devices."""
    people, setup = [], []
    for key, (creator, demo_users, officers, workers) in PEOPLE.items():
        device = Device(folder / f"setup-{key}", base, creator, PASSWORD, seed, deadline)
        device.login()
        people += [(name, PASSWORD) for name in demo_users]
        wanted = [("officer", f"chaos-officer-{key}{n}") for n in range(officers)]
        wanted += [("worker", f"chaos-worker-{key}{n}") for n in range(workers)]
        for role, username in wanted:
            args = {"username": username, "display_name": username, "role": role}
            args.update(employment_type="own", password=NEW_PASSWORD)
            device.enqueue("user.create", uuid7(), args)
            people.append((username, NEW_PASSWORD))
        device.push()
        setup.append(device)
    return people, setup


def managers_by_enterprise(devices: list[Device]) -> dict[str, list[str]]:
    """Manager user ids per enterprise, in a fixed order: each takes a share of the hazards."""
    found: dict[str, list[str]] = {}
    for device in devices:
        if device.user["role"] in MANAGER_ROLES:
            found.setdefault(device.user["enterprise_id"], []).append(device.user["id"])
    return {key: sorted(set(ids)) for key, ids in found.items()}


def budget_of(device: Device) -> int:
    """How many workflow commands this person sends in the run."""
    return BUDGET["manager" if device.user["role"] in MANAGER_ROLES else "worker"]


def work(device: Device, managers: list[str], stop: threading.Event, errors: list) -> None:
    """One phone's life during the faults: pull, act, push, now and then killed by the OS."""
    try:
        while not stop.is_set():
            if device.rng.random() < RESTART_SHARE:
                device.restart()
            device.pull()
            made = step(device, managers, budget_of(device))
            device.push()
            if not made:
                if device.state["spent"] >= budget_of(device) and not device.outbox():
                    return
                time.sleep(device.rng.uniform(*IDLE_SECONDS))
    except BaseException as error:  # reported by the test
        errors.append((device.username, repr(error)))


def settle(device: Device, errors: list, phase: str) -> None:
    """After the faults: push what is left ("push", every phone first), then pull to the end ("pull")."""
    try:
        getattr(device, phase)()
    except BaseException as error:
        errors.append((device.username, repr(error)))


def start_threads(target, devices: list[Device], *args) -> list[threading.Thread]:
    """Start target(device, *args) for every device at once."""
    threads = [threading.Thread(target=target, args=(d, *args), name=d.username) for d in devices]
    for thread in threads:
        thread.start()
    return threads


def join_all(threads: list[threading.Thread], timeout: float) -> bool:
    """Wait at most timeout seconds in all; tell whether every thread ended."""
    ends = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, ends - time.monotonic()))
    return not any(thread.is_alive() for thread in threads)


def kill_repeatedly(server: KillableServer, proxy, uptimes: tuple[float, ...], log: list) -> None:
    """After each uptime (seconds), SIGKILL the server's master and workers, then restart it on its port."""
    began = time.monotonic()
    for uptime in uptimes:
        time.sleep(uptime)
        in_flight = proxy.in_flight
        killed_at = time.monotonic()
        server.kill9()
        time.sleep(DOWN_SECONDS)
        server.start()
        log.append(
            {
                "at_s": round(killed_at - began, 1),
                "requests_in_flight": in_flight,
                "down_s": round(time.monotonic() - killed_at, 1),
            }
        )
