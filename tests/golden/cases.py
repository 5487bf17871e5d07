"""The golden cases: every command's ``--json`` output on the real recordings of ../shared/data.

They were recorded (``python -m tests.golden.record``) on the code as it stood before the service
core (issue 8) and the safety work (issue 9), so that a refactoring that changes a number shows
up. Each case is a list of command lines run in order in one fresh folder with one fresh
database; the output of the last command is the case's golden value (earlier ones set it up).

Placeholders in arguments: ``{data}`` is ../shared/data, ``{tmp}`` the case's folder.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    """One golden case: setup command lines, then the command whose output is kept."""

    name: str
    command: tuple[str, ...]
    setup: tuple[tuple[str, ...], ...] = ()
    needs: tuple[str, ...] = field(default=())  # files under ../shared/data
    slow: bool = False  # runs the pose model


COP_EO = "{data}/cop/eyesOpen_1.csv.gz"
COP_EC = "{data}/cop/eyesClosed_1.csv.gz"
IMU_TRUNK = "{data}/imu/uci_s1/e1/u5/template_session.txt.gz"
IMU_TEST = "{data}/imu/uci_s1/e1/u5/test.txt.gz"
TRC = "{data}/keypoints/pose2sim_balancing_3d.trc"
OPENPOSE = "{data}/keypoints/pose2sim_balancing_cam01_openpose"
BALANCING = "{data}/video/pose2sim_balancing_cam01.mp4"
DEMO = "{data}/video/sports2d_demo.mp4"
WALK = "{data}/video/sports2d_walk_side.mp4"

PERSON = (
    ("person", "add", "Alex", "--birth-year", "1970", "--json"),
    ("screen", "--no-input", "--person", "Alex", "--json"),
)

CASES: tuple[Case, ...] = (
    Case("info_cop", ("info", COP_EO, "--json")),
    Case("info_imu", ("info", IMU_TEST, "--json")),
    Case("info_trc", ("info", TRC, "--json")),
    Case("info_openpose", ("info", OPENPOSE, "--json")),
    Case("info_video", ("info", DEMO, "--json")),
    Case("extract_balancing", ("extract", BALANCING, "-o", "{tmp}/b.npz", "--json"), slow=True),
    Case("sway_cop_eo", ("assess", "sway", "--cop", COP_EO, "--json")),
    Case("sway_cop_ec_unfiltered", ("assess", "sway", "--cop", COP_EC, "--no-filter", "--json")),
    Case("sway_imu", ("assess", "sway", "--imu", IMU_TRUNK, "--json")),
    Case("sway_video_walk", ("assess", "sway", "--video", WALK, "--json"), slow=True),
    Case("romberg_cop", ("assess", "romberg", "--eo", COP_EO, "--ec", COP_EC, "--json")),
    Case(
        "ctsib_cop",
        (
            "assess",
            "ctsib",
            "--eo-firm",
            COP_EO,
            "--ec-firm",
            COP_EC,
            "--eo-foam",
            COP_EO,
            "--ec-foam",
            COP_EC,
            "--json",
        ),
    ),
    Case(
        "stance_balancing",
        ("assess", "stance", "--video", BALANCING, "--age", "40", "--json"),
        slow=True,
    ),
    Case("stance_trc", ("assess", "stance", "--video", TRC, "--age", "70", "--json")),
    Case("posture_walk", ("assess", "posture", "--video", WALK, "--json"), slow=True),
    Case("posture_openpose", ("assess", "posture", "--video", OPENPOSE, "--json")),
    Case(
        "mobility_demo",
        ("assess", "mobility", "--movement", "flexion", "--video", DEMO, "--json"),
        slow=True,
    ),
    Case(
        "mobility_imu",
        ("assess", "mobility", "--movement", "flexion", "--imu-trunk", IMU_TRUNK, "--json"),
    ),
    Case(
        "repositioning_imu_trunk",
        ("assess", "repositioning", "--joint", "trunk", "--imu", IMU_TRUNK, "--json"),
    ),
    Case(
        "repositioning_imu_neck",
        ("assess", "repositioning", "--joint", "neck", "--imu", IMU_TEST, "--json"),
    ),
    Case(
        "repositioning_trc",
        ("assess", "repositioning", "--joint", "trunk", "--video", TRC, "--json"),
    ),
    Case("coach_list", ("coach", "--list", "--json")),
    Case("coach_squat_demo", ("coach", "squat", "--video", DEMO, "--json"), slow=True),
    Case(
        "coach_stance_balancing",
        ("coach", "single_leg_stance_eyes_open", "--video", BALANCING, "--json"),
        slow=True,
    ),
    Case("screen_list", ("screen", "--list", "--json")),
    Case("screen_yes_flag", ("screen", "--yes", "saddle_numbness", "--json")),
    Case("screen_yes_other", ("screen", "--yes", "night_pain", "--json")),
    Case("screen_json_alone", ("screen", "--json")),
    Case("person_list", ("person", "list", "--json"), setup=PERSON),
    Case(
        "plan_new",
        ("plan", "Alex", "--minutes", "20", "--goal", "walk without fear", "--json"),
        setup=(*PERSON, ("assess", "sway", "--cop", COP_EC, "--person", "Alex", "--json")),
    ),
    Case(
        "checkin",
        (
            "checkin",
            "Alex",
            "--none",
            "--pain-now",
            "3",
            "--pain-week",
            "4",
            "--psfs",
            "gardening=5",
            "--json",
        ),
        setup=(*PERSON, ("plan", "Alex", "--json")),
    ),
    Case(
        "checkin_red_flag",
        ("checkin", "Alex", "--yes", "saddle_numbness", "--json"),
        setup=(*PERSON, ("plan", "Alex", "--json")),
    ),
    Case(
        "plan_override_dose",
        (
            "plan",
            "Alex",
            "--override",
            "glute_bridge",
            "--action",
            "dose",
            "--value",
            '{"sets": 2, "reps": 6}',
            "--clinician",
            "J. Smith",
            "--reason",
            "review",
            "--json",
        ),
        setup=(*PERSON, ("plan", "Alex", "--equipment", "mat", "--json")),
    ),
    Case(
        "history",
        ("history", "Alex", "--json"),
        setup=(
            *PERSON,
            ("assess", "sway", "--cop", COP_EO, "--person", "Alex", "--json"),
            ("plan", "Alex", "--json"),
            ("checkin", "Alex", "--none", "--pain-now", "2", "--pain-week", "3", "--json"),
        ),
    ),
    Case(
        "report",
        (
            "report",
            "{tmp}/eo.json",
            "{tmp}/ec.json",
            "-o",
            "{tmp}/r.html",
            "--pdf",
            "{tmp}/r.pdf",
            "--json",
        ),
        setup=(
            ("assess", "sway", "--cop", COP_EO, "-o", "{tmp}/eo.json", "--json"),
            ("assess", "sway", "--cop", COP_EC, "-o", "{tmp}/ec.json", "--json"),
        ),
    ),
    Case("sample", ("sample", "-o", "{tmp}/out", "--json"), slow=True),
)
