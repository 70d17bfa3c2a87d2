"""The pages hosted by the main window: Dashboard, Skills, Levels, Certifications, Study log."""
