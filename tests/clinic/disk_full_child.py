"""Run as a child process by ``test_operations``: the web app on a filesystem that refuses to
grow any file past ``limit`` bytes (``RLIMIT_FSIZE``, as a full disk or a quota would), then one
upload of a real video larger than that. Prints ``{"status", "body", "left"}`` as JSON.

Arguments: the folder for the database and uploads, the video, the limit in bytes."""

import json
import resource
import signal
import sys
from pathlib import Path

from kinesense.web.app import create_app
from kinesense.web.uploads import upload_folder
from tests.web.conftest import make_account, make_config, signed_in, state_of


def main() -> None:
    folder, video, limit = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    app = create_app(make_config(folder))
    state = state_of(app)
    therapist = make_account(state, "therapist", "Theo")
    person = make_account(state, "person", "Ann", invited_by=therapist.id)
    assert person.person_id is not None
    client = signed_in(app, therapist)
    # from here on no file may grow past the limit: writing past it fails with EFBIG (the
    # signal that would kill the process is ignored, as a server does)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    answer = client.post(
        f"/api/v1/people/{person.person_id}/uploads", content=video.read_bytes(),
        params={"name": "walk.mp4"}, headers={"content-type": "application/octet-stream"},
    )  # fmt: skip
    kept = upload_folder(state.config.data_dir, person.person_id)
    left = sorted(p.name for p in kept.iterdir()) if kept.exists() else []
    print(json.dumps({"status": answer.status_code, "body": answer.json(), "left": left}))
    client.close()
    state.close()


if __name__ == "__main__":
    main()
