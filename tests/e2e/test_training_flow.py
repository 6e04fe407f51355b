"""Training sign-in offline on two phones: the officer schedules a session and shows its rotating QR with
no network, a worker signs in by photographing it with no network; scores are recorded offline; after
syncing the server holds the attendee (method qr) with a failed then a passed score, and the worker's
record shows the pass.

The server applies a sign-in only to a session it holds and a score only to a signed-in attendee, so the
phones sync in that order: the officer's schedule, the worker's sign-in, then the officer's scores."""

from __future__ import annotations

import time

from .conftest import pulled, sign_in_to, wait_for_local_rows, wait_for_server_entity

SYNCED = 40_000


def session_detail(status: str, pending: int | None = None) -> str:
    """Selector of the training session screen in `status` (with `pending` unsent commands when given)."""
    return f"[data-test=training-detail][data-status={status}]" + (
        f"[data-pending='{pending}']" if pending is not None else ""
    )


def test_training_scheduled_signed_in_and_scored_offline_then_synced(base_url, phone, api):
    officer_api, worker_api = api("officer-a"), api("worker-a1")
    worker_id = worker_api.user["id"]

    officer_phone, worker_phone = phone(), phone()
    officer = officer_phone.new_page()
    sign_in_to(officer, base_url, "officer-a")
    wait_for_local_rows(officer, "users", 5)
    worker = worker_phone.new_page()
    sign_in_to(worker, base_url, "worker-a1")

    officer_phone.set_offline(True)
    worker_phone.set_offline(True)
    officer.goto(base_url + "/#/trainings/new")
    topic = f"煤气区域作业安全-{int(time.time())}"
    officer.fill("[data-test=training-topic] input", topic)
    officer.fill("[data-test=training-trainer] input", "王工")
    officer.fill("[data-test=training-hours] input", "4")
    officer.click("[data-test=invite-worker-a1]")
    officer.click("[data-test=submit]")
    officer.wait_for_selector(session_detail("scheduled", 1))
    session_id = officer.url.rsplit("/", 1)[-1]
    officer.wait_for_selector("[data-test=training-qr] img[data-test=qr-code]")
    officer.wait_for_selector(".van-toast", state="hidden")  # the "saved" toast sits over the code
    code = officer.get_attribute("[data-test=training-qr]", "data-code")
    assert code.startswith(f"T1.{session_id}.")
    png = officer.locator("[data-test=training-qr]").screenshot()

    worker.goto(base_url + "/#/trainings/scan")
    worker.set_input_files(
        "[data-test=qr-photo-input]", {"name": "code.png", "mimeType": "image/png", "buffer": png}
    )
    worker.wait_for_selector(f"[data-test=signed-in][data-session='{session_id}']")
    worker.goto(f"{base_url}/#/trainings/{session_id}")
    assert "待同步" in worker.inner_text("[data-test=my-sign-in]")

    officer_phone.set_offline(False)
    officer.wait_for_selector(session_detail("scheduled", 0), timeout=SYNCED)
    worker_phone.set_offline(False)
    wait_for_server_entity(officer_api, "training_session", session_id, lambda s: len(s["attendees"]) == 1)

    officer.reload()  # each start syncs: the officer's phone pulls the worker's sign-in
    officer.wait_for_selector(f"[data-test=attendee-{worker_id}][data-attended=true]", timeout=SYNCED)
    officer_phone.set_offline(True)
    for count, score in enumerate(("60", "90"), start=1):
        officer.fill(f"[data-test=score-input-{worker_id}]", score)
        officer.click(f"[data-test=score-save-{worker_id}]")
        officer.wait_for_selector(f"[data-test=attendee-{worker_id}] [data-test=score] >> nth={count - 1}")
    officer.wait_for_selector(session_detail("scheduled", 2))
    tags = officer.inner_text(f"[data-test=attendee-{worker_id}]")
    assert "60 未通过" in tags and "90 通过" in tags

    officer_phone.set_offline(False)
    officer.wait_for_selector(session_detail("scheduled", 0), timeout=SYNCED)
    session = wait_for_server_entity(
        officer_api, "training_session", session_id, lambda s: len(s["attendees"][0]["scores"]) == 2
    )
    assert session["topic"] == topic and session["status"] == "scheduled"
    [attendee] = session["attendees"]
    assert attendee["user_id"] == worker_id and attendee["method"] == "qr"
    assert [(s["score"], s["passed"]) for s in attendee["scores"]] == [(60, False), (90, True)]
    assert all(change["entity"] != "training_key" for change in worker_api.pull_all()), (
        "workers never pull the key"
    )

    records = [r for r in pulled(worker_api, "person_record") if r["user_id"] == worker_id]
    if records and records[0].get("exam", {}).get("last_score") == 90:
        assert records[0]["exam"]["status"] == "passed"
