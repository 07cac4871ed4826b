"""feedback: turn Amazon SES bounce and complaint mail into events in SQLite."""

__version__ = "0.1.0"
CLASSIFIER_VERSION = "1"
