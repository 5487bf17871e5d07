"""What a file holds, for ``kinesense info``: any supported file, described in a few figures."""

from pathlib import Path
from typing import Any

from kinesense.series import CopSeries, MotionSeries, PoseSeries


def describe_series(series: PoseSeries | MotionSeries | CopSeries) -> dict[str, Any]:
    """Kind, samples, duration, rate and provenance of a series, JSON-serialisable."""
    info: dict[str, Any] = {
        "kind": series.KIND,
        "samples": len(series),
        "duration_s": round(series.duration_s, 4),
        "sampling_rate_hz": round(series.sampling_rate_hz, 3),
        "source": series.provenance.source,
        "reader": series.provenance.reader,
    }
    if isinstance(series, PoseSeries):
        available = [
            name
            for i, name in enumerate(series.landmark_names)
            if (series.visibility[:, i] > 0).any()
        ]
        info |= {
            "detected_frames": series.n_detected,
            "landmarks_present": len(available),
            "landmarks_total": len(series.landmark_names),
            "model": series.provenance.model,
            "resolution": list(series.provenance.resolution or ()),
            "camera_view": series.provenance.camera_view,
        }
    elif isinstance(series, MotionSeries):
        info |= {
            "placement": series.placement,
            "magnetometer": series.mag is not None,
        }
    else:
        info |= {"axes": list(series.axes)}
    info["details"] = dict(series.provenance.details)
    return info


def describe_file(path: str | Path) -> dict[str, Any]:
    """Detect a file's format and describe it (video properties, or the series read from it)."""
    from kinesense.capture.readers.detect import detect_format, read_any

    kind = detect_format(path)
    if kind == "video":
        from kinesense.capture.video import probe_video

        video = probe_video(path)
        return {
            "format": "video",
            "path": str(video.path),
            "width": video.width,
            "height": video.height,
            "fps": round(video.fps, 3),
            "frames": video.frame_count,
            "duration_s": round(video.duration_s, 3),
            "rotation_deg": video.rotation_deg,
            "codec": video.codec,
        }
    series = read_any(path)
    return {"format": kind, "path": str(Path(path)), **describe_series(series)}
