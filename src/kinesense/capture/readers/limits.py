"""The bounds every reader keeps to, whatever a file claims.

Files come from users and other tools and may be damaged or hostile; these caps keep reading
them within a predictable time and memory (well under 1 GB for any file). Each error that hits a
cap names the cap, so a user with a genuine recording larger than the cap knows what happened
(split the recording, or raise the constant in code).

The values are not tuned on data; they sit far above the real recordings in ../shared/data (the
largest, a 32-s force-plate trial at 1000 Hz, is 2.3 MB of text, 7 columns, 32,000 rows).
"""

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Largest file read, compressed or not (512 MiB)."""
MAX_TEXT_BYTES = 128 * 1024 * 1024
"""Largest text after unpacking gzip or a zip member (128 MiB: about 25 minutes of a 1000-Hz,
7-column force-plate export, or days of a 100-Hz IMU)."""
MAX_LINE_CHARS = 1024 * 1024
"""Longest line of a text table (1 Mi characters; a 233-column pose export row is about 6 k)."""
MAX_COLUMNS = 4096
"""Most columns of a text table."""
MAX_ROWS = 10_000_000
"""Most data rows of a text table."""
MAX_CELLS = 32_000_000
"""Most numbers of a text table (rows x columns; 256 MB as float64)."""
MAX_JSON_BYTES = 16 * 1024 * 1024
"""Largest JSON file (an OpenPose frame is a few kB; a result file well under 1 MB)."""
MAX_JSON_DEPTH = 64
"""Deepest nesting of a JSON document (OpenPose frames nest 4 levels, results about 6)."""
MAX_JSON_FILES = 1_000_000
"""Most JSON files in an OpenPose folder (about 9 hours at 30 frames/s)."""

C3D_MEMORY_BYTES = 768 * 1024 * 1024
"""Address space of the child process that parses a C3D file (Python, numpy and ezc3d take
about 150 MB of it before reading)."""
C3D_TIMEOUT_S = 20.0
"""Wall-clock time allowed to the C3D child process (a valid 100-MB file parses in about 1 s)."""
MAX_C3D_BYTES = 256 * 1024 * 1024
"""Largest C3D file read (its points grow about 4 times in memory as float64)."""
