# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# The date the demo is served on (seed/demo.toml's today); empty: the machine's date.
DEMO_TODAY ?= 2026-09-20
export FLASK_APP := app

.PHONY: run test install install-test lint bench translations clean

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/flask seed demo --if-empty
	@echo ""
	@echo "演示账户（密码均为 zyperf-demo）：admin 管理员 · finance 财务科 · leader 局主要领导 · deputy / deputy2 / deputy3 分管领导"
	@echo "  guihua / guihua_head 规划科经办人/科长 · gengdi / gengdi_head 耕地保护科经办人/科长"
	@echo "  其他科室（单位）：shengtai quequan cehui zhifa chubei xinxi bangongshi（经办人），加 _head 为负责人"
	@echo "演示日期 $(DEMO_TODAY)：2025 年度已全部办结，2026 年度正在 9 月绩效监控（make run DEMO_TODAY= 按本机日期）"
	@echo "打开 http://$(HOST):$(PORT)/"
	@echo ""
	ZYPERF_TODAY=$(DEMO_TODAY) $(BIN)/flask run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

bench: install-test
	$(BIN)/python -m bench

# Recompile the few Flask-Admin strings we translate ourselves (admin/translations).
translations: install
	$(BIN)/python -c "from babel.messages.pofile import read_po; from babel.messages.mofile import write_mo; \
	p='admin/translations/zh_Hans_CN/LC_MESSAGES/admin'; write_mo(open(p+'.mo','wb'), read_po(open(p+'.po','rb')))"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
