"""MLOps Career Tracker: milestones, readiness per career level, mentor reviews."""

__version__ = "0.1.0"
APP_NAME = "MLOps Career Tracker"
