"""The phone as a motion sensor: pairing tokens (:mod:`~kinesense.phone.tokens`), the tests a
phone records (:mod:`~kinesense.phone.protocols`), the WebSocket messages
(:mod:`~kinesense.phone.messages`), one recording as it arrives (:mod:`~kinesense.phone.session`)
and the W3C DeviceMotion samples to a MotionSeries (:mod:`~kinesense.phone.conversion`)."""
