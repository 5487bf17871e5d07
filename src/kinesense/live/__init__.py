"""Live coaching over a WebSocket: the landmark protocol (:mod:`kinesense.live.protocol`), one
live session around the coaching engine (:mod:`kinesense.live.session`) and the store that keeps
sessions by token between connections (:mod:`kinesense.live.state`). The browser runs the pose
model; only landmarks reach the server. See ``docs/live-protocol.md``."""
