"""A Redis that is away (clinic stack) closes the live socket with 1013, "try again later", and
a one-line reason, never a server error: the page reconnects once it is back."""

import json

from kinesense.live.redis_state import LIVE_DOWN, RedisLiveStore
from kinesense.services.screening import run_screening
from tests.clinic.stack import free_port
from tests.web.conftest import World, app, signed_in, world
from tests.web.test_live_ws import ORIGIN, START, closed_with

__all__ = ["app", "world"]


def test_a_redis_that_is_away_closes_the_socket_to_be_retried(world: World) -> None:
    import redis

    nowhere = redis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1,
                          socket_timeout=1)  # fmt: skip
    world.app.state.live_sessions = RedisLiveStore(nowhere, "a secret")
    run_screening({}, store=world.state.store, person=str(world.person.person_id))
    browser = signed_in(world.app, world.person)
    with browser.websocket_connect("/live/ws", headers=ORIGIN) as socket:
        socket.send_text(json.dumps(START))
        error, code = closed_with(socket)
    assert code == 1013
    assert error["message"] == LIVE_DOWN
