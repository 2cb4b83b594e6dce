#!/usr/bin/env bash
# kill -9 during a run with --checkpoint-every leaves a valid checkpoint; `engram resume`
# finishes the run with exactly the spikes of an uninterrupted run; a corrupt checkpoint is
# refused with a clear error.
# usage: checkpoint_resume.sh ENGRAM WORKDIR [MODEL DURATION_MS EVERY_MS "FILES TO COMPARE"]
set -u
engram=$1; work=$2
model=${3:-../../models/networks/brunel2000.json}
duration=${4:-1000}
every=${5:-100}
files=${6:-"spikes_E.npy spikes_I.npy rate_E.npy state_E_v.npy"}
rm -rf "$work"; mkdir -p "$work"
"$engram" run $model --duration $duration --out "$work/whole" --backend cpu --quiet || exit 1
"$engram" run $model --duration $duration --out "$work/killed" --backend cpu --quiet --checkpoint-every $every &
pid=$!
for _ in $(seq 1 100); do [ -f "$work/killed/checkpoint.bin" ] && break; sleep 0.1; done
sleep 0.7
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
[ -f "$work/killed/checkpoint.bin" ] || { echo "FAIL: no checkpoint written"; exit 1; }
"$engram" resume "$work/killed" --quiet || { echo "FAIL: resume failed"; exit 1; }
for f in $files; do
  cmp -s "$work/whole/$f" "$work/killed/$f" || { echo "FAIL: $f differs after kill -9 and resume"; exit 1; }
done
# Resuming a finished run (manifest.json written) has nothing to do.
msg=$("$engram" resume "$work/killed" 2>&1) && grep -q "complete" <<<"$msg" || { echo "FAIL: resume of a finished run: $msg"; exit 1; }
# A flipped byte in the checkpoint of an unfinished run: refused, exit 2, message says corrupt.
rm -f "$work/killed/manifest.json"
printf '\xff' | dd of="$work/killed/checkpoint.bin" bs=1 seek=300 conv=notrunc status=none
err=$("$engram" resume "$work/killed" --quiet 2>&1); code=$?
[ $code -eq 2 ] && grep -q "corrupt" <<<"$err" || { echo "FAIL: corrupt checkpoint: exit $code: $err"; exit 1; }
echo "ok: resumed run identical to the uninterrupted one; corrupt checkpoint refused ($err)"
