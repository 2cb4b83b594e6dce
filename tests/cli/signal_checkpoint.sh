#!/usr/bin/env bash
# SIGTERM (a scheduler's time limit) and SIGINT (Ctrl-C) during a run with --checkpoint-every:
# engram writes a checkpoint of the step it reached and exits with 128 + the signal; `engram
# resume` then finishes with exactly the spikes and weights of an uninterrupted run.
# usage: signal_checkpoint.sh ENGRAM WORKDIR
set -u
engram=$1; work=$2
model=hebbian_plastic_small.json
duration=20000
files="spikes_E.npy weights_EE.npy rate_E.npy"
rm -rf "$work"; mkdir -p "$work"
"$engram" run $model --duration $duration --out "$work/whole" --backend cpu --quiet || exit 1
for sig in TERM INT; do
  out="$work/stopped_$sig"
  # The periodic checkpoints are rarer than the run is long: the one on disk must be the signal's.
  "$engram" run $model --duration $duration --out "$out" --backend cpu --checkpoint-every 1000000 2> "$out.log" &
  pid=$!
  sleep 1.5
  kill -$sig $pid
  wait $pid; code=$?
  expected=$([ $sig = TERM ] && echo 143 || echo 130)
  [ $code -eq $expected ] || { echo "FAIL: SIG$sig: exit $code, expected $expected"; cat "$out.log"; exit 1; }
  grep -q "checkpoint written; continue with: engram resume" "$out.log" || { echo "FAIL: SIG$sig: no message"; cat "$out.log"; exit 1; }
  [ -f "$out/checkpoint.bin" ] || { echo "FAIL: SIG$sig: no checkpoint"; exit 1; }
  [ ! -f "$out/manifest.json" ] || { echo "FAIL: SIG$sig: the stopped run wrote a manifest"; exit 1; }
  # The SIGINT run finishes with another thread count (the run's own is the machine's).
  extra=$([ $sig = INT ] && echo "--threads 1 --backend cpu" || echo "")
  "$engram" resume "$out" --quiet $extra || { echo "FAIL: SIG$sig: resume $extra failed"; exit 1; }
  for f in $files; do
    cmp -s "$work/whole/$f" "$out/$f" || { echo "FAIL: SIG$sig: $f differs after the signal and resume"; exit 1; }
  done
done
echo "ok: SIGTERM and SIGINT leave a checkpoint; the resumed runs equal the uninterrupted one"
