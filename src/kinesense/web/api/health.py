"""``GET /api/v1/health``: the one API route open without a session."""

from fastapi import APIRouter

from kinesense.web.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health() -> Health:
    """The server is up."""
    return Health()
