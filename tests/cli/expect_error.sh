#!/usr/bin/env bash
# Runs an engram command that must fail: checks the exit code and that stderr matches a regex
# (the field path and value), and that it is one line with no crash or hang.
# usage: expect_error.sh EXPECTED_EXIT REGEX -- engram args...
set -u
want_code=$1; regex=$2; shift 3
err=$(timeout 60 "$@" 2>&1 >/dev/null); code=$?
if [ "$code" -ne "$want_code" ]; then
  echo "FAIL: exit code $code, expected $want_code; stderr: $err"; exit 1
fi
if ! grep -qE -- "$regex" <<<"$err"; then
  echo "FAIL: stderr does not match /$regex/: $err"; exit 1
fi
if [ "$(wc -l <<<"$err")" -ne 1 ]; then
  echo "FAIL: expected a one-line error, got: $err"; exit 1
fi
echo "ok: $err"
