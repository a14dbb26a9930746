"""OCOP Assistant's own processes: the stack runner, model cache, channels and CLI."""
