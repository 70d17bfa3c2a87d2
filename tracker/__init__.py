"""MLOps Career Tracker: milestones, readiness per career level, mentor reviews."""

__version__ = "0.1.0"
APP_NAME = "MLOps Career Tracker"
# The desktop entry, icon and AppStream id (resources/desktop/APP_ID.*).
APP_ID = "io.github.mlopstracker.CareerTracker"
