"""The JSON API's models, one class per purpose (what is sent to create, what is shown), so the
OpenAPI document at ``/api/v1/openapi.json`` describes exactly what travels."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from kinesense.jobs import JobRecord
from kinesense.program.records import Person
from kinesense.store.accounts import AccountRecord, LinkRecord


class Health(BaseModel):
    """The server answers."""

    status: Literal["ok"] = "ok"


class AccountPublic(BaseModel):
    """An account as its owner sees it."""

    id: int
    email: str
    name: str
    role: Literal["person", "therapist", "admin"]
    person_id: int | None
    consent_version: str | None
    consent_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, account: AccountRecord) -> "AccountPublic":
        """From the repository's record."""
        return cls.model_validate(account, from_attributes=True)


class PersonPublic(BaseModel):
    """A person (a ``people`` row of the store) as the person or their therapist sees them."""

    id: int
    name: str
    birth_year: int | None
    created_at: str
    account_email: str | None = Field(None, description="The person's sign-in, if they have one.")

    @classmethod
    def of(cls, person: Person, account: AccountRecord | None) -> "PersonPublic":
        """From the store's record and the linked account."""
        return cls(
            id=person.id,
            name=person.name,
            birth_year=person.birth_year,
            created_at=person.created_at.isoformat(),
            account_email=account.email if account else None,
        )


class JobPublic(BaseModel):
    """A background job: poll it until ``status`` is ``done`` or ``failed``."""

    id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float = Field(description="How far it got, from 0 to 1.")
    stage: str = Field(description="What it is doing now, in a few words.")
    person_id: int | None
    name: str = Field(description="The name of the uploaded file, when the job is about one.")
    result: dict[str, Any] | None
    error: str = Field(description="Why it failed, in one line (the command line's message).")
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: JobRecord) -> "JobPublic":
        """From the repository's record."""
        return cls(
            id=job.id, kind=job.kind, status=job.status, progress=job.progress,  # type: ignore[arg-type]
            stage=job.stage, person_id=job.person_id, name=str(job.input.get("name", "")),
            result=job.result, error=job.error, created_at=job.created_at,
            finished_at=job.finished_at,
        )  # fmt: skip


class InvitationCreate(BaseModel):
    """Invite someone: a therapist invites a person (their name), an admin a therapist."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="Who is invited, for the list.")


class InvitationPublic(BaseModel):
    """An invitation as its maker sees it (the link itself is shown once, on creation)."""

    id: int
    role: Literal["person", "therapist"]
    name: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None

    @classmethod
    def of(cls, link: LinkRecord) -> "InvitationPublic":
        """From the repository's record."""
        return cls(
            id=link.id, role=link.purpose, name=link.name, created_at=link.created_at,  # type: ignore[arg-type]
            expires_at=link.expires_at, used_at=link.used_at,
        )  # fmt: skip


class InvitationCreated(InvitationPublic):
    """A new invitation with its one-time link: give it to the person; it is not shown again."""

    link: str


class ConsentAccept(BaseModel):
    """Accepting the consent and disclaimer of a version."""

    model_config = ConfigDict(extra="forbid")

    version: str


class AccountDelete(BaseModel):
    """Deleting one's account needs the password again."""

    model_config = ConfigDict(extra="forbid")

    password: str


class SessionsClosed(BaseModel):
    """Signed out everywhere."""

    closed: int = Field(description="How many sign-in sessions were ended.")


class DataExport(BaseModel):
    """Everything kinesense keeps about a person (the report joins it with the services)."""

    format: Literal["kinesense-export-1"] = "kinesense-export-1"
    exported_at: datetime
    account: AccountPublic
    person: PersonPublic
    history: list[dict[str, Any]]
    jobs: list[JobPublic]
