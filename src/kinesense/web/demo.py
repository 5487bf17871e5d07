"""``kinesense serve --demo``: a demo therapist and a demo person, and a one-time link that signs
the browser in as the person (loopback only).

The demo accounts have random passwords nobody knows: they are reached only through the link
printed by ``--demo``. The first time, the demo person gets a history to look at:

* the safety questions answered (no warning sign) and a plan made four weeks ago, and four
  weekly check-ins since (pain from 6 to 3 of 10, two everyday activities getting easier): what
  a person in the programme reports, written through the same services as a real check-in;
* the bundled sample recording (a man balancing on one leg, 1.7 s, filmed at an angle) measured
  as a single-leg stance test - kinesense explains why it cannot judge it - and coached as the
  single-leg stance exercise, as two background jobs, as an upload would be;
* when the project's real recordings are beside it (``../shared/data``), the two force-plate
  trials of quiet standing, eyes open and eyes closed, measured as sway. The app never needs
  them: without them the demo has the rest.
"""

import shutil
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from kinesense.clock import utc_now
from kinesense.jobs.analysis import AnalysisRequest
from kinesense.services.checkin import CheckInRequest, check_in
from kinesense.services.journey import person_journey
from kinesense.services.plans import PlanRequest, make_or_show_plan
from kinesense.services.screening import run_screening
from kinesense.store.accounts import AccountRecord
from kinesense.web import auth
from kinesense.web.passwords import hash_password
from kinesense.web.security import new_token
from kinesense.web.state import INVITATION_LIFETIME, AppState
from kinesense.web.uploads import sniff_format, upload_folder

DEMO_THERAPIST = ("Demo Therapist", "demo-therapist@kinesense.invalid")
DEMO_PERSON = ("Demo Person", "demo-person@kinesense.invalid")
SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
"""The project's real recordings, when kinesense runs from a checkout beside them."""
CHECKINS = ((28, 6, 6, 3, 4), (21, 5, 6, 4, 4), (14, 4, 5, 5, 6), (7, 3, 4, 6, 7))
"""(days ago, pain now, pain over the week, PSFS walking, PSFS putting on socks)."""
GOALS = ("walk to the shops without pain", "pick up my grandchild")


@dataclass(frozen=True)
class DemoRecording:
    """A recording the demo person "sends": where it is, its name, and what is done with it."""

    path: Path
    name: str
    analysis: AnalysisRequest | None = None
    exercise: str | None = None


def demo_recordings(shared: Path = SHARED_DATA) -> list[DemoRecording]:
    """The sample recording (measured and coached) and the force-plate trials when present."""
    from kinesense.sample import sample_video_path

    sample = sample_video_path()
    found = [
        DemoRecording(sample, "single-leg-balance.mp4", AnalysisRequest(test="stance", age=40)),
        DemoRecording(sample, "single-leg-balance.mp4", exercise="single_leg_stance_eyes_open"),
    ]
    for eyes, file in (("open", "eyesOpen_1.csv.gz"), ("closed", "eyesClosed_1.csv.gz")):
        path = shared / "cop" / file
        if path.is_file():
            request = AnalysisRequest(test="sway", eyes=eyes)  # type: ignore[arg-type]
            found.append(DemoRecording(path, f"standing-eyes-{eyes}.csv.gz", request))
    return found


def _account(
    state: AppState, role: str, name: str, email: str, invited_by: int | None
) -> AccountRecord:
    found = state.accounts.password_of(email)
    if found is not None:
        return found[0]
    token = new_token()
    state.accounts.create_link(
        token, role, lifetime=INVITATION_LIFETIME, invited_by=invited_by, name=name
    )
    return state.accounts.accept_link(
        token, email=email, name=name, password_hash=hash_password(new_token())
    )


def _history(state: AppState, person_id: int) -> None:
    """The screening, plan and check-ins of the last four weeks."""
    store, ref, now = state.store, str(person_id), utc_now()
    start = now - timedelta(days=CHECKINS[0][0], minutes=5)
    run_screening({}, store=store, person=ref, at=start)
    make_or_show_plan(store, ref, PlanRequest(goals=GOALS, minutes=20), today=start)
    for days_ago, now_pain, week_pain, walking, socks in CHECKINS:
        psfs = (f"walking 30 minutes={walking}", f"putting on socks={socks}")
        request = CheckInRequest({}, now_pain, week_pain, psfs)
        check_in(store, ref, request, today=now - timedelta(days=days_ago))


def _send(state: AppState, account: AccountRecord, recording: DemoRecording) -> None:
    """Copy the recording into the person's uploads and queue its job, as an upload does."""
    assert account.person_id is not None
    folder = upload_folder(state.config.data_dir, account.person_id)
    folder.mkdir(parents=True, exist_ok=True)
    fmt = sniff_format(recording.path, recording.name)
    suffix = ".csv.gz" if recording.path.name.endswith(".csv.gz") else recording.path.suffix
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    shutil.copyfile(recording.path, target)
    job_input = {"file": target.relative_to(state.config.data_dir).as_posix(),
                 "name": recording.name, "format": fmt, "size_bytes": target.stat().st_size,
                 "person_id": account.person_id}  # fmt: skip
    if recording.analysis is not None:
        job_input["analysis"] = recording.analysis.model_dump()
        kind = "assess"
    else:
        job_input |= {"exercise": recording.exercise, "pain_before": 3, "pain_after": 3}
        kind = "coach"
    state.jobs.submit(kind, job_input, account_id=account.id, person_id=account.person_id)


def therapist_link(state: AppState) -> str:
    """A one-time path that signs in as the demo therapist (after :func:`prepare_demo`)."""
    found = state.accounts.password_of(DEMO_THERAPIST[1])
    assert found is not None, "prepare_demo first"
    return auth.signin_link(state, found[0].id)


def prepare_demo(state: AppState, shared: Path = SHARED_DATA) -> str:
    """Create the demo accounts if missing and, the first time, the demo person's history and
    recordings (analysed in the background); returns the path that signs in as the person."""
    therapist = _account(state, "therapist", *DEMO_THERAPIST, invited_by=None)
    person = _account(state, "person", *DEMO_PERSON, invited_by=therapist.id)
    assert person.person_id is not None
    if not person_journey(state.store, person.person_id).screenings:
        _history(state, person.person_id)
        for recording in demo_recordings(shared):
            _send(state, person, recording)
    return auth.signin_link(state, person.id)
