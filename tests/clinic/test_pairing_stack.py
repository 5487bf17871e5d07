"""Phone pairings on the real clinic stack (PostgreSQL, two web processes behind one address):
a pairing issued by one web process is accepted by the other. The pairings are all issued over
one kept-alive HTTP connection (so by one process); the phones connect through the shared
address on new connections until both processes have answered one, and every link is accepted
once. Skipped without the test servers."""

import re
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import connect

from kinesense.store.accounts import Accounts
from kinesense.store.engine import make_engine
from tests.clinic.stack import Stack, browser, clinic_stack, make_account, needs_stack, serving_pid
from tests.web.test_phone_pairing import pair

pytestmark = needs_stack
TRIES = 40
"""Phone connections at most until both processes have accepted one."""


@pytest.fixture
def stack(tmp_path: Path) -> Any:
    with clinic_stack(tmp_path) as started:
        yield started


def test_a_pairing_issued_by_one_process_is_accepted_by_the_other(stack: Stack) -> None:
    base = stack.start_web(processes=2)
    engine = make_engine(stack.url)
    person = make_account(Accounts(engine), "person", "Ann")
    engine.dispose()
    port = int(base.rsplit(":", 1)[1])
    issuer = browser(stack, base, person)  # one kept-alive connection: one process issues
    accepted_by: list[int] = []
    for _ in range(TRIES):
        _, token, status_url = pair(issuer, person.person_id, test="sway")  # type: ignore[arg-type]
        with connect(f"ws://127.0.0.1:{port}/ws/phone/{token}", open_timeout=30) as phone:
            ready = phone.recv(timeout=30)
            assert '"type":"ready"' in str(ready).replace(" ", ""), ready
            accepted_by.append(serving_pid(stack.webs[0].pid, port, phone.socket.getsockname()[1]))
        status = issuer.get(status_url).json()
        assert status["status"] in ("recording", "failed"), status  # claimed, seen by the issuer
        with connect(f"ws://127.0.0.1:{port}/ws/phone/{token}", open_timeout=30) as again:
            refused = str(again.recv(timeout=30))
        assert re.search("already used", refused), refused  # once, whichever process is asked
        if len(set(accepted_by)) == 2:
            break
    assert len(set(accepted_by)) == 2, f"one process took all {len(accepted_by)} phones"
