"""Capture: from video files, cameras and other tools' files to series.

Nothing here is imported with the package; import the submodule you need.
"""
