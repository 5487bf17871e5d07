"""kinesense: measure and train the body's kinesthetic sense (proprioception).

Importing the package has no side effects and loads no heavy library; the pose model,
OpenCV and the readers are imported where they are used.
"""

__version__ = "0.1.0"
