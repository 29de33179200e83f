"""Data files shipped with the app (the default target library)."""
