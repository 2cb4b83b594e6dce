#!/usr/bin/env bash
# kill -9 during a run with --checkpoint-every leaves a valid checkpoint; `engram resume`
# finishes the run with exactly the spikes of an uninterrupted run; a corrupt checkpoint is
# refused with a clear error.
set -u
engram=$1; work=$2
rm -rf "$work"; mkdir -p "$work"
model=../../models/networks/brunel2000.json
"$engram" run $model --duration 1000 --out "$work/whole" --backend cpu --quiet || exit 1
"$engram" run $model --duration 1000 --out "$work/killed" --backend cpu --quiet --checkpoint-every 100 &
pid=$!
for _ in $(seq 1 100); do [ -f "$work/killed/checkpoint.bin" ] && break; sleep 0.1; done
sleep 0.7
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
[ -f "$work/killed/checkpoint.bin" ] || { echo "FAIL: no checkpoint written"; exit 1; }
"$engram" resume "$work/killed" --quiet || { echo "FAIL: resume failed"; exit 1; }
for f in spikes_E.npy spikes_I.npy rate_E.npy state_E_v.npy; do
  cmp -s "$work/whole/$f" "$work/killed/$f" || { echo "FAIL: $f differs after kill -9 and resume"; exit 1; }
done
# A flipped byte: refused, exit 2, message says corrupt.
printf '\xff' | dd of="$work/killed/checkpoint.bin" bs=1 seek=300 conv=notrunc status=none
err=$("$engram" resume "$work/killed" --quiet 2>&1); code=$?
[ $code -eq 2 ] && grep -q "corrupt" <<<"$err" || { echo "FAIL: corrupt checkpoint: exit $code: $err"; exit 1; }
echo "ok: resumed run identical to the uninterrupted one; corrupt checkpoint refused ($err)"
