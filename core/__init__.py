"""Infrastructure shared by all feature packages: extensions, audit log, mail, HTTP helpers."""
