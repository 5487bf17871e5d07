"""The one-line summaries of ``kinesense history``."""

from kinesense.store.summaries import summarise


def test_assessment_lists_normed_metrics_first_with_conditions() -> None:
    data = {
        "test": "sway",
        "usable": True,
        "metrics": {"duration_s": 30.0, "path_length_mm": 230.756, "rms_ap_mm": 4.0, "x": 1},
        "metric_info": {"path_length_mm": {"unit": "mm"}, "rms_ap_mm": {"unit": "mm"}},
        "norms": [{"metric": "rms_ap_mm"}],
        "conditions": {"eyes": "closed", "stance": "feet-together", "source": "cop", "n": 3},
    }
    assert summarise("assessment", data) == (
        "assessment sway (eyes closed, feet-together): rms_ap_mm 4.00 mm, "
        "path_length_mm 230.76 mm, x 1"
    )


def test_unusable_assessment_gives_its_reasons() -> None:
    data = {"test": "stance", "usable": False, "reasons": ["too short", "left the frame"]}
    assert summarise("assessment", data) == (
        "assessment stance: cannot be judged (too short; left the frame)"
    )


def test_referral_names_urgency_and_flags() -> None:
    data = {"decision": "refer", "urgency": "emergency", "red_flags": ["saddle", "bladder"]}
    assert (
        summarise("screening", data) == "screening: refer, emergency (red flags: saddle, bladder)"
    )


def test_session_with_holds_and_missing_fields() -> None:
    data = {
        "exercise": "side_plank",
        "reps": 0,
        "holds": [{"duration_s": 12.0}, {"duration_s": 20.5}],
        "events": [{"kind": "form_fault"}, {"kind": "rep"}],
    }
    assert summarise("session", data) == (
        "session side_plank: 0 repetition(s), 2 hold(s), longest 20.5 s, 1 form cue(s)"
    )
    assert summarise("session", {}) == "session ?: 0 repetition(s)"
    assert summarise("checkin", {}) == "check-in: no scores"
    assert summarise("plan", {}) == "plan (?): 0 session(s) a week"
    assert summarise("override", {"exercise_id": "bridge", "action": "regress", "value": 2}) == (
        "override bridge: regress 2 by a clinician"
    )
    assert summarise("unknown", {"a": 1}) == "record with 1 field(s)"
