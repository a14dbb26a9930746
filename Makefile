# OCOP Assistant — see README.md. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock 2>/dev/null | sha256sum | cut -c1-12)

.PHONY: run test chat eval model venv validate clean cluster browser

run: venv  ## train if the data changed, then start actions + Rasa (REST on localhost:5005)
	$(PY) -m bot.stack

cluster: venv  ## several processes behind nginx on this machine (DATABASE_URL=postgresql://…; docs/operations.md)
	$(PY) -m bot.cluster

test: venv browser  ## the whole test suite (trains the model once, cached by data hash)
	$(PY) -m pytest $(PYTEST_ARGS)

browser: /usr/bin/chromium  ## Debian's Chromium for the console's browser tests (installed when missing)

/usr/bin/chromium:
	@sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$sudo apt-get install -y --no-install-recommends chromium || \
	  { $$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends chromium; }

chat: venv  ## talk to the running assistant in this terminal
	$(PY) -m bot.console

eval: venv  ## held-out evaluations: NLU (ours vs Rasa's default pipeline), then answers
	$(PY) -m bench.nlu_eval
	$(PY) -m bench.answer_eval

model: venv  ## train the model if the data changed; print its path
	$(PY) -m bot.model_cache

validate: venv
	$(PY) -m rasa data validate --domain domain.yml --data data/*.yml --config config.yml

venv: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@python=$$(scripts/find-python310) && \
	  { [ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' || \
	    { rm -rf $(VENV) && "$$python" -m venv $(VENV); }; }
	$(PY) -m pip install --quiet --upgrade pip wheel
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

clean:
	rm -rf $(VENV) models var .pytest_cache
