"""The six promises checked after the fault run: each returns what broke them (an empty list when kept)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Engine

from backend.rules.hazard_rules import decide, relations_of, state_after_verify

from .device import Device

FINAL = ("applied", "rejected")


def command_rows(engine: Engine, client_ids: list[str]) -> dict[tuple[str, int], dict]:
    """The server's command log of these clients, by (client_id, seq)."""
    query = text(
        "SELECT client_id, seq, id, user_id, type, entity_id, args, status, code, version"
        " FROM sync_commands WHERE client_id IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    with engine.connect() as connection:
        rows = connection.execute(query, {"ids": client_ids}).mappings().all()
    return {(row["client_id"], row["seq"]): dict(row) for row in rows}


def outcomes_kept(devices: list[Device], rows: dict) -> list[str]:
    """1 and 3: every command has one final stored outcome, the one its device saw; none lost."""
    broken = []
    for device in devices:
        client_id = device.state["client_id"]
        held = sum(1 for key in rows if key[0] == client_id)
        if held != len(device.state["commands"]):
            sent = len(device.state["commands"])
            broken.append(f"{device.username}: server holds {held} commands, device sent {sent}")
        for command in device.state["commands"]:
            row = rows.get((client_id, command["seq"]))
            seen = device.state["outcomes"].get(str(command["seq"]))
            name = f"{device.username} seq {command['seq']} {command['type']}"
            if row is None:
                broken.append(f"{name}: {'acknowledged but lost' if seen else 'never stored'}")
            elif row["id"] != command["id"] or row["status"] not in FINAL:
                broken.append(f"{name}: stored as {row['id']} {row['status']}")
            elif seen is None:
                broken.append(f"{name}: the device never learned its outcome")
            elif (seen["status"], seen["code"], seen["version"]) != (
                row["status"],
                row["code"],
                row["version"],
            ):
                broken.append(f"{name}: device saw {seen}, server stored {row['status']} {row['code']}")
    return broken


def applied_once(engine: Engine, rows: dict, hazard_ids: set[str]) -> list[str]:
    """2: one log row per command id; each hazard's applied versions run 1..n, as its stored version."""
    broken = []
    with engine.connect() as connection:
        doubled = connection.execute(
            text("SELECT id FROM sync_commands GROUP BY id HAVING count(*) > 1")
        ).all()
        stored = dict(
            connection.execute(text("SELECT id, version FROM sync_entities WHERE entity = 'hazard'")).all()
        )
    broken += [f"command {row.id} logged more than once" for row in doubled]
    for hazard_id, applied in applied_by_hazard(rows, hazard_ids).items():
        versions = [row["version"] for row in applied]
        if versions != list(range(1, len(applied) + 1)) or stored.get(hazard_id) != len(applied):
            broken.append(
                f"hazard {hazard_id}: applied versions {versions}, stored version {stored.get(hazard_id)}"
            )
    return broken


def applied_by_hazard(rows: dict, hazard_ids: set[str]) -> dict[str, list[dict]]:
    """Applied commands per hazard, in the order they were committed (their resulting versions)."""
    found = defaultdict(list)
    for row in rows.values():
        if row["entity_id"] in hazard_ids and row["status"] == "applied":
            found[row["entity_id"]].append(row)
    return {key: sorted(value, key=lambda row: row["version"] or 0) for key, value in found.items()}


def converged(devices: list[Device], fresh: dict[str, dict]) -> list[str]:
    """4: each device's synced state equals a fresh full pull by its user."""
    broken = []
    for device in devices:
        expected = fresh[device.username]
        if device.store != expected:
            differing = sorted(
                k for k in set(device.store) | set(expected) if device.store.get(k) != expected.get(k)
            )
            broken.append(f"{device.username}: {len(differing)} entities differ, e.g. {differing[:3]}")
    return broken


def isolated(devices: list[Device], created_in: dict[str, str]) -> list[str]:
    """5: no device holds another enterprise's entity (by enterprise_id, or run hazards by who made them)."""
    broken = []
    for device in devices:
        own = device.user["enterprise_id"]
        for key, change in device.store.items():
            data = change["data"] or {}
            other = data.get("enterprise_id") not in (None, own)
            if other or (change["entity"] == "enterprise" and change["id"] != own):
                broken.append(f"{device.username} holds {key} of another enterprise")
            if created_in.get(change["id"], own) != own:
                broken.append(f"{device.username} holds hazard {change['id']} made in another enterprise")
    return broken


def replayed_states(
    rows: dict, roles: dict[str, str], server: dict[str, dict], tables: dict, based_on: dict[str, int]
) -> list[str]:
    """6: replaying the applied commands through the hazard rules gives the server's states."""
    by_hazard, replays = applied_by_hazard(rows, set(server)), {}
    broken = [f"hazard {h}: on the server without an applied report" for h in set(server) - set(by_hazard)]
    for hazard_id, applied in by_hazard.items():
        state, states = None, [None]
        for row in applied:
            decision = decide(row["type"], roles[row["user_id"]], relations_of(row["user_id"], state), state)
            if decision.code:
                broken.append(
                    f"hazard {hazard_id}: {row['type']} applied though the rules say {decision.code}"
                )
                break
            state = _next(state, row, decision)
            states.append(state)
        replays[hazard_id] = states
        data = server[hazard_id]
        if not _within(state, data):
            broken.append(f"hazard {hazard_id}: replay {state} is not the server's {data}")
        history = [(event["type"], event["by"]) for event in data["history"]]
        if history != [(row["type"], row["user_id"]) for row in applied]:
            broken.append(f"hazard {hazard_id}: history {history} is not the applied commands")
        if tables.get(hazard_id) != (state["status"], state["assignee_id"]):
            broken.append(f"hazard {hazard_id}: status column and assignee {tables.get(hazard_id)} != replay")
    return broken + _rejections_explained(rows, roles, replays, based_on)


def _rejections_explained(rows: dict, roles: dict, replays: dict, based_on: dict[str, int]) -> list[str]:
    """Check each rejection is what the rules give in a state its hazard passed through after the one seen."""
    # Concurrent commands may have moved the hazard on between the device's pull and its push.
    broken = []
    for row in rows.values():
        if row["status"] != "rejected" or row["entity_id"] not in replays:
            continue
        seen = based_on.get(row["id"], 0)
        codes = {
            decide(row["type"], roles[row["user_id"]], relations_of(row["user_id"], state), state).code
            for state in replays[row["entity_id"]][seen:]
        }
        if row["code"] not in codes:
            broken.append(f"{row['type']} {row['id']} rejected {row['code']}; the rules give {codes}")
    return broken


def _next(state: dict | None, row: dict, decision) -> dict:
    """One transition of the replayed hazard: the fields the command sets."""
    args, by = row["args"], row["user_id"]
    if row["type"] == "hazard.report":
        return {
            "status": decision.next_state,
            "reported_by": by,
            "severity": args["severity"],
            "assignee_id": None,
        }
    state = {**state, "status": decision.next_state}
    if row["type"] == "hazard.assign":
        state.update(assignee_id=args["assignee_id"], due_date=args["due_date"], plan=args.get("plan"))
    elif row["type"] == "hazard.rectify":
        state["rectification"] = {"note": args["note"], "photos": args["photos"], "by": by}
    elif row["type"] == "hazard.verify":
        state["status"] = state_after_verify(decision, args["accepted"])
        state["verification"] = {"accepted": args["accepted"], "note": args.get("note"), "by": by}
    return state


def _within(expected: dict, actual: dict) -> bool:
    """Tell whether every expected field (recursing into records like `rectification`) is in actual."""
    for key, value in expected.items():
        held = actual.get(key)
        if isinstance(value, dict):
            if not isinstance(held, dict) or not _within(value, held):
                return False
        elif held != value:
            return False
    return True
