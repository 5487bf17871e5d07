"""The coaching engine: ``Coach.update(frame) -> events``, one frame of the followed person at a
time. Pure: no I/O, no camera, no pose model. Offline analysis of a recording feeds every frame
of the file to the same :class:`Coach`, so the live and offline answers agree by construction.

Each frame, the coach reads the camera view and body position (:mod:`kinesense.coach.scene`),
computes the exercise's quantities on each side it may watch (:mod:`kinesense.coach.channels`),
runs the repetition counter or hold timer (:mod:`kinesense.coach.counters`), the form rules
(:mod:`kinesense.coach.rules`) and the knowledge of results (:mod:`kinesense.coach.knowledge`).

* A repetition counts only when the person was in the exercise's body position as it began
  (else it is recorded as rejected, ``not_in_position``); a hold runs only while they are in it.
* A form rule is judged only in the camera views it lists and where its landmarks are seen; the
  summary reports each rule's status (checked or not, and why).
* Dropouts (no person, or the counted quantities missing) change no state; after
  ``lost_after_s`` without them, ``tracking_lost`` is emitted, the repetition or hold under way
  is abandoned, and ``tracking_back`` follows when the person is seen again.
* Sets end after ``dose.reps`` repetitions (or holds); ``rest_s`` of rest follows
  (``rest_start``/``rest_end``), then the next set, until ``exercise_done``.
  :meth:`Coach.finish` closes a recording (a hold still held is reported).
"""

import math
from typing import Any

from kinesense.coach.channels import Channel, SidePlan
from kinesense.coach.counters import HoldChange, RepOutcome
from kinesense.coach.events import EVENT_KINDS, CoachEvent, CoachFrame, CoachState
from kinesense.coach.knowledge import KnowledgeOfResults
from kinesense.coach.rules import fault_counts
from kinesense.coach.scene import PositionTracker, ViewTracker
from kinesense.coach.summary import (
    HoldRecord,
    RejectedRep,
    RepRecord,
    SessionSummary,
    TrackingQuality,
)
from kinesense.errors import InvalidValueError
from kinesense.exercises.schema import Exercise

POSITION_WARN_S = 1.0
"""Seconds at rest in another body position before the person is told to get into position."""


class Coach:
    """Coach one exercise frame by frame: ``events = coach.update(frame)``.

    Args:
        exercise: the exercise (from :func:`kinesense.exercises.load_exercise`).
        side: ``"left"`` or ``"right"`` to watch that side only; ``None`` chooses (see
            :mod:`kinesense.coach.channels`). With dose ``both`` there are twice
            ``dose.sets`` sets, one side after the other.
    """

    def __init__(self, exercise: Exercise, *, side: str | None = None) -> None:
        if side not in (None, "left", "right"):
            raise InvalidValueError(f"side must be None, 'left' or 'right'; got {side!r}")
        self.exercise = exercise
        dose = exercise.dose
        self.plan = SidePlan.for_exercise(exercise, side)
        self._sets_total = dose.sets * (2 if dose.side == "both" and side is None else 1)
        self._view = ViewTracker()
        self._position = PositionTracker(exercise.body_position)
        rep_spec, hold_spec = exercise.repetition, exercise.hold
        if rep_spec is not None:
            self._needed: tuple[str, ...] = (rep_spec.quantity,)
        else:
            assert hold_spec is not None
            self._needed = tuple(dict.fromkeys(c.quantity for c in hold_spec.conditions))
        self._t: float | None = None
        self._t0: float | None = None
        self._set = 0
        self._in_set = 0
        self._rest_until: float | None = None
        self._done = False
        self._finished = False
        self._position_warned = False
        self._idle_since: float | None = None
        self._last_seen: float | None = None
        self._person_since: float | None = None
        self._lost = False
        self._lost_since = 0.0
        self._frames = self._tracked = self._lost_episodes = 0
        self._lost_s = 0.0
        self._reps: list[RepRecord] = []
        self._rejected: list[RejectedRep] = []
        self._holds: list[HoldRecord] = []
        self.feedback = KnowledgeOfResults.for_exercise(exercise)

    # ----------------------------------------------------------------- public
    def update(self, frame: CoachFrame) -> list[CoachEvent]:
        """Feed one frame (times must increase); return the events it caused, in order, the
        knowledge of results (:mod:`kinesense.coach.knowledge`) last."""
        events = self._update(frame)
        if self.feedback is not None:
            events += self.feedback.update(self._t or 0.0, self.plan.channels, events, self._done)
        return events

    def _update(self, frame: CoachFrame) -> list[CoachEvent]:
        t = float(frame.time_s)
        if not math.isfinite(t) or (self._t is not None and t <= self._t):
            raise InvalidValueError(f"frame times must increase; got {t!r} after {self._t!r}")
        self._t, self._t0 = t, (t if self._t0 is None else self._t0)
        self._frames += 1
        image, vis, res, head = frame.image_xyz, frame.visibility, frame.resolution, frame.head_deg
        self._view.update(t, image, vis, res)
        self._position.update(t, image, vis, res)
        for channel in self.plan.channels.values():
            channel.tracker.update(t, image, vis, res, head)
        events: list[CoachEvent] = []
        if self._done:
            return events
        self._check_position(t, events)
        self.plan.follow_view(self._view.group, self._view.near_side)
        seen = any(self._has_needed(c) for c in self.plan.counting())
        self._track(t, seen, frame.image_xyz is not None, events)
        if self._rest_until is not None:
            if t < self._rest_until:
                return events
            self._end_rest(t, events)
        self._check_form(t, events)
        for channel in list(self.plan.channels.values()):
            if channel.reps is not None:
                self._count_reps(t, channel, events)
            else:
                self._time_hold(t, channel, events)
        return events

    def finish(self) -> list[CoachEvent]:
        """The recording ended: a hold still held is recorded, a repetition under way is not
        counted, the knowledge of results scores what it can and sums up. Idempotent."""
        if self.feedback is None or self._finished or self._t is None:
            return self._finish()
        return self._finish() + self.feedback.finish(self._t)

    def _finish(self) -> list[CoachEvent]:
        if self._finished or self._t is None or self._done:
            self._finished = True
            return []
        self._finished = True
        events: list[CoachEvent] = []
        for channel in self.plan.counting():
            if channel.hold is not None:
                change = channel.hold.cut(self._t)
                if change is not None:
                    self._on_hold(channel, change, events)
            elif channel.reps is not None:
                outcome = channel.reps.cut(self._t)
                if outcome is not None:
                    self._reject(channel, outcome)
        return events

    @property
    def state(self) -> CoachState:
        """The state for the overlay, after the last frame."""
        t = self._t if self._t is not None else 0.0
        hold_spec = self.exercise.hold
        resting = self._rest_until is not None
        rest_left = max(0.0, self._rest_until - t) if self._rest_until is not None else 0.0
        shown = self._shown()
        return CoachState(
            exercise_id=self.exercise.id,
            exercise_name=self.exercise.name,
            mode=self.exercise.mode,
            side=self.plan.active or "either",
            set_index=min(self._set + 1, self._sets_total),
            sets_total=self._sets_total,
            reps_in_set=self._in_set,
            reps_target=self.exercise.dose.reps,
            hold_elapsed_s=shown.hold.elapsed_s(t) if shown.hold is not None else 0.0,
            hold_target_s=hold_spec.target_s if hold_spec is not None else 0.0,
            resting=resting,
            rest_remaining_s=rest_left,
            phase="done" if self._done else ("resting" if resting else shown.phase),
            active_cues=shown.rules.active_cues(),
            values=dict(shown.tracker.values),
            tracking=not self._lost and self._last_seen is not None,
            done=self._done and (self.feedback is None or self.feedback.finished),
        )

    def summary(self) -> SessionSummary:
        """The session so far (see :class:`kinesense.coach.summary.SessionSummary`)."""
        start = self._t0 if self._t0 is not None else 0.0
        end = self._t if self._t is not None else 0.0
        lost_s = self._lost_s + (end - self._lost_since if self._lost else 0.0)
        return SessionSummary(
            exercise_id=self.exercise.id,
            exercise_name=self.exercise.name,
            mode=self.exercise.mode,
            sets_total=self._sets_total,
            sets_completed=self._set if not self._done else self._sets_total,
            reps_target=self.exercise.dose.reps,
            done=self._done,
            duration_s=end - start,
            reps=list(self._reps),
            rejected=list(self._rejected),
            holds=list(self._holds),
            faults=fault_counts(
                self.exercise.form_rules, [c.rules for c in self.plan.channels.values()]
            ),
            tracking=TrackingQuality(
                frames=self._frames,
                tracked_frames=self._tracked,
                tracked_fraction=self._tracked / self._frames if self._frames else 0.0,
                lost_episodes=self._lost_episodes,
                lost_s=lost_s,
            ),
            side_choice=self.plan.mode,
            watched_sides=list(self.plan.chosen),
            camera_view=self._view.view,
            body_position={
                "required": list(self.exercise.body_position),
                "frames": dict(sorted(self._position.frames.items())),
            },
            feedback=self.feedback.summary() if self.feedback is not None else {},
        )

    # ---------------------------------------------------------------- private
    def _has_needed(self, channel: Channel) -> bool:
        return all(channel.tracker.raw[name] is not None for name in self._needed)

    def _shown(self) -> Channel:
        """The channel the overlay shows: the one counting, or under way, or the first."""
        engaged = self.plan.engaged()
        if engaged is not None:
            return engaged
        return self.plan.counting()[0]

    def _check_position(self, t: float, events: list[CoachEvent]) -> None:
        """Say so once when the person, at rest for :data:`POSITION_WARN_S`, has been in
        another body position than the exercise's that long (nothing counts then); and again,
        silently, when they are back in it. A squat's bottom looks like sitting: it is not
        warned about, the person is not at rest then."""
        tracker = self._position
        idle = self._rest_until is None and all(c.idle for c in self.plan.counting())
        if not idle:
            self._idle_since = None
        elif self._idle_since is None:
            self._idle_since = t
        since = max(self._idle_since or t, tracker.changes[-1][0] if tracker.changes else t)
        data = {"position": tracker.label, "in_position": tracker.in_position}
        wrong = tracker.in_position is False and idle and t - since >= POSITION_WARN_S
        if wrong and not self._position_warned:
            self._position_warned = True
            needed = " or ".join(tracker.describe(p) for p in tracker.required)
            message = f"Get into position: this exercise is done {needed}."
            events.append(CoachEvent("position", t, message, data))
        elif tracker.in_position and self._position_warned:
            self._position_warned = False
            events.append(CoachEvent("position", t, "", data))

    def _check_form(self, t: float, events: list[CoachEvent]) -> None:
        """Judge the form rules on the side being coached (the one under way, else the one
        watched); no side is coached while a one-sided set's side is not known."""
        channel = self.plan.engaged()
        if channel is None and self.plan.active is not None:
            channel = self.plan.counting()[0]
        if channel is None or not self._has_needed(channel):
            return
        found = channel.rules.update(
            t,
            channel.tracker.values,
            channel.phase,
            view=self._view.group,
            visibility=channel.tracker.visibility,
        )
        if not channel.idle:
            channel.move_frames += 1
            channel.move_faulty += int(channel.rules.faulty())
        for rule_event in found:
            kind = rule_event.kind
            message = rule_event.rule.cue if kind == "form_fault" else "Good, that's better."
            data = {**rule_event.data, "value": rule_event.value}
            events.append(CoachEvent(kind, t, message, data))

    def _count_reps(self, t: float, channel: Channel, events: list[CoachEvent]) -> None:
        assert channel.reps is not None
        value = channel.tracker.values[channel.reps.spec.quantity]
        was_idle = channel.idle
        outcome = channel.reps.update(t, value if self._has_needed(channel) else None)
        counting = channel in self.plan.counting()
        if counting and was_idle and not channel.idle and self.plan.mode == "facing":
            self.plan.keep()  # a repetition began: keep watching this side for the set
        if outcome is None or not counting:
            return
        if not outcome.counted:
            self._reject(channel, outcome)
            return
        in_position = (
            None if outcome.began_before else self._position.was_in_position(outcome.start_s)
        )
        if in_position is False:
            self._reject(channel, outcome, "not_in_position")
            return
        self._on_rep(channel, outcome, events)

    def _time_hold(self, t: float, channel: Channel, events: list[CoachEvent]) -> None:
        assert channel.hold is not None
        ok = self._hold_ok(channel) if self._has_needed(channel) else None
        change = channel.hold.update(t, ok)
        if change is None or channel not in self.plan.counting():
            return
        self._on_hold(channel, change, events)

    def _hold_ok(self, channel: Channel) -> bool | None:
        assert channel.hold is not None
        if self._position.in_position is False:
            return False
        view = self._view.group
        judged = [c for c in channel.hold.spec.conditions if len(c.views) == 3 or view in c.views]
        if not judged and self._position.in_position is None:
            return None
        result = True
        for condition in judged:
            value = channel.tracker.values[condition.quantity]
            if value is None:
                return None
            result = result and condition.holds(value)
        return result

    def _track(self, t: float, seen: bool, person_seen: bool, events: list[CoachEvent]) -> None:
        """Tracking of what the exercise counts: ``seen`` when its quantities are measured on a
        side being counted, ``person_seen`` when anyone is in the frame."""
        if seen:
            self._tracked += 1
            if self._lost:
                self._lost = False
                self._lost_s += t - self._lost_since
                events.append(CoachEvent("tracking_back", t, "I can see you again.", {}))
            self._last_seen = t
            return
        if self._lost:
            return
        if self._last_seen is None:
            self._never_seen(t, person_seen, events)
            return
        if t - self._last_seen > self.exercise.lost_after_s:
            self._lost = True
            self._lost_since = self._last_seen
            self._lost_episodes += 1
            turn = self._turn_message() if person_seen else None
            message = turn or "I can't see you well: step back into view."
            data = {"last_seen_s": self._last_seen} | ({"turn": True} if turn else {})
            events.append(CoachEvent("tracking_lost", t, message, data))
            counting = self.plan.counting()
            for channel in self.plan.channels.values():
                channel.abandon()
                if channel.hold is not None:
                    change = channel.hold.abandon(self._last_seen)
                    if change is not None and channel in counting:
                        self._on_hold(channel, change, events)
            self.plan.release()

    def _turn_message(self) -> str | None:
        """With a side given, the person in a side view showing the other side: what to do."""
        side = self.plan.active
        if self.plan.mode != "given" or side is None:
            return None
        near = self._view.near_side
        if near is None or near == side:
            return None
        return f"Turn around so that your {side} side faces the camera: I can't see it from here."

    def _never_seen(self, t: float, person_seen: bool, events: list[CoachEvent]) -> None:
        """The person is in view but the side given has never been seen: after ``lost_after_s``
        (from the first frame with the person), tell them to turn (a side view of the other
        side) or to show that side; this counts as lost tracking until the side is seen."""
        if not person_seen or self.plan.mode != "given" or self.plan.active is None:
            return
        if self._person_since is None:
            self._person_since = t
        if t - self._person_since <= self.exercise.lost_after_s:
            return
        side = self.plan.active
        message = self._turn_message() or (
            f"I can't see your {side} side well: make sure it faces the camera."
        )
        self._lost, self._lost_since = True, self._person_since
        self._lost_episodes += 1
        events.append(CoachEvent("tracking_lost", t, message, {"last_seen_s": None, "turn": True}))

    def _recorded_side(self, channel: Channel) -> str:
        return "none" if self.plan.mode == "facing" else channel.side

    def _reject(self, channel: Channel, outcome: RepOutcome, reason: str = "") -> None:
        channel.form_score()
        self._rejected.append(
            RejectedRep(
                self._set + 1,
                self._recorded_side(channel),
                outcome.start_s,
                outcome.end_s,
                reason or outcome.reason,
                outcome.peak,
            )
        )

    def _on_rep(self, channel: Channel, outcome: RepOutcome, events: list[CoachEvent]) -> None:
        t = outcome.end_s
        self._note_unit(channel)
        self._in_set += 1
        spec = self.exercise.repetition
        assert spec is not None
        unit = self.exercise.quantity(spec.quantity).unit
        record = RepRecord(
            rep=self._in_set,
            set=self._set + 1,
            side=self._recorded_side(channel),
            start_s=outcome.start_s,
            end_s=t,
            duration_s=t - outcome.start_s,
            range=outcome.range,
            peak=outcome.peak,
            unit=unit,
            form_score=channel.form_score(),
            began_before_recording=outcome.began_before,
        )
        self._reps.append(record)
        data: dict[str, Any] = {
            "rep": record.rep,
            "set": record.set,
            "side": record.side,
            "duration_s": record.duration_s,
            "range": record.range,
            "unit": unit,
            "form_score": record.form_score,
        }
        if unit == "deg":
            data["range_deg"] = record.range
        if outcome.began_before:
            data["began_before_recording"] = True
        events.append(CoachEvent("rep", t, f"{record.rep}", data))
        self._after_unit(t, events)

    def _note_unit(self, channel: Channel) -> None:
        """A repetition was counted or a hold started on ``channel``: keep that side."""
        plan = self.plan
        if plan.mode == "working":
            for other in plan.channels.values():
                if other is not channel:
                    other.abandon()
                    if other.hold is not None:
                        other.hold.reset()
        plan.keep(channel.side)

    def _on_hold(self, channel: Channel, change: HoldChange, events: list[CoachEvent]) -> None:
        t = self._t if self._t is not None else change.end_s
        kind, start, end = change.kind, change.start_s, change.end_s
        side = self._recorded_side(channel)
        if kind == "hold_start":
            self._note_unit(channel)
            channel.form_score()
            data = {"start_s": start, "set": self._set + 1, "side": side}
            events.append(CoachEvent(kind, t, "Hold it there.", data))
            return
        completed = kind == "hold_end"
        score = channel.form_score()
        record = HoldRecord(
            self._set + 1, side, start, end, end - start, completed, score, change.ended_by
        )
        self._holds.append(record)
        data = {
            "start_s": start,
            "end_s": end,
            "duration_s": end - start,
            "set": record.set,
            "side": record.side,
            "form_score": score,
            "ended_by": change.ended_by,
        }
        if change.ended_by == "recording_end":
            message = f"The recording ended during a hold of {end - start:.0f} s."
            events.append(CoachEvent("recording_end", t, message, data))
            return
        message = "Well held. Relax." if completed else f"Hold broken after {end - start:.0f} s."
        events.append(CoachEvent(kind, t, message, data))
        if completed:
            self._in_set += 1
            data["hold"] = self._in_set
            self._after_unit(t, events)
        elif self.plan.mode == "working" and not self._in_set:
            self.plan.release()  # a broken first hold does not decide the set's side

    def _after_unit(self, t: float, events: list[CoachEvent]) -> None:
        plan = self.plan
        if plan.alternate and plan.active is not None:
            plan.active = "right" if plan.active == "left" else "left"
        if self._in_set < self.exercise.dose.reps:
            return
        self._set += 1
        done_set = {"set": self._set, "sets_total": self._sets_total}
        events.append(CoachEvent("set_done", t, f"Set {self._set} done.", done_set))
        for channel in plan.channels.values():
            channel.abandon()
            if channel.hold is not None:
                channel.hold.reset()
        plan.release()
        if self._set >= self._sets_total:
            self._done = True
            events.append(CoachEvent("exercise_done", t, "Exercise complete. Well done.", {}))
            return
        rest = self.exercise.dose.rest_s
        self._rest_until = t + rest
        events.append(
            CoachEvent("rest_start", t, f"Rest for {rest:.0f} seconds.", {"rest_s": rest})
        )

    def _end_rest(self, t: float, events: list[CoachEvent]) -> None:
        self._rest_until = None
        self._in_set = 0
        side = ""
        if self.plan.mode == "given" and self.plan.active is not None:
            side = self.plan.active
        elif self.plan.mode == "working" and not self.plan.alternate and self.plan.chosen:
            side = "right" if self.plan.chosen[-1] == "left" else "left"
        message = f"Next set{' on the ' + side + ' side' if side else ''}: go."
        data = {"set": self._set + 1, "side": side or "either"}
        events.append(CoachEvent("rest_end", t, message, data))


__all__ = ["EVENT_KINDS", "Coach", "CoachEvent", "CoachFrame", "CoachState"]


def __getattr__(name: str) -> Any:
    """``coach_series``, ``frames_from_series``: moved to :mod:`kinesense.coach.offline`."""
    if name in ("coach_series", "frames_from_series"):
        from kinesense.coach import offline

        return getattr(offline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
