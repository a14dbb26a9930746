"""Custom actions of OCOP Assistant, served by ``rasa run actions``."""
