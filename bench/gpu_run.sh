#!/usr/bin/env bash
# One device session: GPU tests, compute-sanitizer, and the CUDA/CPU benchmarks, writing
# everything under $OUT (or ./gpu-out). Run from the repository root with the build folder
# present (the device tool carries it). Paths are those of the build machine: /work/main.
# SECTIONS picks what runs (default "tests latency memcheck racecheck bench plastic stdp morrison microcircuit pd14minutes pd14scaling grid push pd14probe procedural"), to spend
# device time well.
set -u
sections=" ${SECTIONS:-tests latency memcheck racecheck bench plastic stdp morrison microcircuit pd14minutes pd14scaling grid push pd14probe procedural} "
has() { [[ "$sections" == *" $1 "* ]]; }
out=${OUT:-gpu-out}; mkdir -p "$out"
root=$PWD
if [ "$root" != /work/main ]; then mkdir -p /work && ln -sfn "$root" /work/main && cd /work/main; fi
export LD_LIBRARY_PATH=$PWD/.device-lib:${LD_LIBRARY_PATH:-}
bin=build/release
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv > "$out/gpu.txt" 2>&1
cat "$out/gpu.txt"
$bin/engram info
if has tests; then
echo "== gpu tests"
$bin/tests/gpu_tests 2>&1 | tee "$out/gpu_tests.log" | grep -E "OK|FAILED|PASSED|SKIPPED|Failure|error" | head -60
fi
if has latency; then
  echo "== launch, graph and grid-barrier latency"
  $bin/bench/launch_latency | tee "$out/launch_latency.json"
fi
filt=${SANITIZE_FILTER:-'DeviceParity.*:*small_all_features*:*adex*:*cuba*:*graupner*:*coba_plastic*:*hebbian_plastic_small*:*weight_rules*:*plastic_device_built*:*coba_procedural*:DeviceConnectivity.*'}
for tool in memcheck racecheck; do
  has $tool || continue
  echo "== compute-sanitizer $tool"
  timeout ${SANITIZE_TIMEOUT:-900} compute-sanitizer --tool $tool --error-exitcode 9 $bin/tests/gpu_tests --gtest_filter="$filt" > "$out/$tool.log" 2>&1
  echo "$tool exit $?"; tail -3 "$out/$tool.log"
done
echo "== benchmarks"
touch "$out/bench.jsonl"  # appended to: SECTIONS may be run one after another
m=/tmp/bench-models; python3 bench/make_scaled_models.py $m --coba ${COBA_SIZES:-4000 40000 400000 4000000} --brunel ${BRUNEL_SIZES:-12500 125000 1250000} --duration 1000
run() {  # name backend model duration_ms [threads]
  local d=/tmp/bench-out/$1-$2; rm -rf "$d"
  timeout ${BENCH_TIMEOUT:-240} $bin/engram run "$3" --backend "$2" --duration "$4" --out "$d" --quiet ${5:+--threads $5} || { echo "$1 $2 failed/timeout"; return; }
  python3 - "$d/manifest.json" "$1" "$2" >> "$out/bench.jsonl" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
n = sum(p["size"] for p in m["populations"].values())
t = m["timing"]
print(json.dumps({"case": sys.argv[2], "backend": sys.argv[3], "neurons": n, "synapses": m["synapses"],
  "bio_s": m["duration"] / 1000, "build_s": t["build_s"], "build_stages_s": t.get("build_stages_s"), "simulate_s": t["simulate_s"],
  "real_time_factor": t["real_time_factor"], "synaptic_events_per_s": t["synaptic_events_per_s"],
  "rates_hz": {k: v["rate_hz"] for k, v in m["populations"].items()}, "bytes_per_synapse": m["bytes_per_synapse"],
  "threads": m["threads"], "phases_s": t.get("phases_s"), "commit": m["git_commit"]}))
PY
  tail -1 "$out/bench.jsonl"
}
if has bench; then
run coba_4k cuda models/networks/coba.json 10000
run coba_4k cpu models/networks/coba.json 2000 16
for n in ${COBA_SIZES:-4000 40000 400000 4000000}; do run coba_fixed_indegree_$n cuda $m/coba_$n.json $([ $n -ge 1000000 ] && echo 200 || echo 1000); done
run brunel_12.5k cuda models/networks/brunel2000_AI.json 1000
run brunel_12.5k cpu models/networks/brunel2000_AI.json 1000 16
for n in ${BRUNEL_SIZES:-12500 125000 1250000}; do run brunel_$n cuda $m/brunel_$n.json $([ $n -ge 1000000 ] && echo 100 || echo 500); done
echo "== a network too big for the device: clear error, exit 4"
python3 bench/make_scaled_models.py /tmp/too-big --brunel 10000000 --duration 100
$bin/engram run /tmp/too-big/brunel_10000000.json --backend cuda --out /tmp/too-big/out; echo "exit code $?"
fi
if has plastic; then
echo "== plastic synapses (Graupner-Brunel on every E->E synapse) and their static twin"
rules=${PLASTIC_RULES:-graupner_brunel shouval tagging_capture}
python3 bench/make_scaled_models.py $m --coba-plastic ${PLASTIC_SIZES:-10000:1250} --rules $rules --duration 1000
for spec in ${PLASTIC_SIZES:-10000:1250}; do
  n=${spec%%:*}; k=${spec##*:}
  run coba_static_${n}_$k cuda $m/coba_static_${n}_$k.json 1000
  run coba_static_${n}_$k cpu $m/coba_static_${n}_$k.json 50 16
  for r in $rules; do
    tag=$([ $r = graupner_brunel ] && echo plastic || echo $r)
    run coba_${tag}_${n}_$k cuda $m/coba_${tag}_${n}_$k.json 1000
    run coba_${tag}_${n}_$k cpu $m/coba_${tag}_${n}_$k.json 50 16
  done
done
fi
if has stdp; then
echo "== weight rules: the Hebbian network static vs STDP (bench/stdp_cost.py)"
python3 bench/stdp_cost.py --backend cuda --repeats 2 && cp bench/results/*-cuda-stdp.json "$out/"
fi
if has morrison; then
echo "== Morrison et al. 2007 at scale ${MORRISON_SCALE:-10}, static and plastic"
for v in static plastic; do
  python3 tools/make_morrison2007.py --scale ${MORRISON_SCALE:-10} $([ $v = static ] && echo --static) --duration 1000 --out $m/morrison_$v.json
  run morrison2007_$v cuda $m/morrison_$v.json ${MORRISON_MS:-1000}
done
fi
if has microcircuit; then
echo "== Potjans-Diesmann microcircuit (issue 7): static recording every spike, static recording none, plastic"
pd=models/networks/potjans_diesmann_2014.json
python3 -c "import json,sys; m=json.load(open(sys.argv[1])); m['recorders']=[]; json.dump(m,open(sys.argv[2],'w'))" $pd $m/pd14_no_recording.json
run pd14_static_all_spikes cuda $pd ${PD14_MS:-10000}
run pd14_static_no_recording cuda $m/pd14_no_recording.json ${PD14_MS:-10000}
run pd14_plastic cuda models/networks/potjans_diesmann_2014_plastic.json ${PD14_MS:-10000}
fi
if has pd14minutes; then
echo "== microcircuit for minutes (issue 7: every spike of 77k neurons recorded for minutes, within 10% of no recorder)"
pd=models/networks/potjans_diesmann_2014.json
python3 -c "import json,sys; m=json.load(open(sys.argv[1])); m['recorders']=[]; json.dump(m,open(sys.argv[2],'w'))" $pd $m/pd14_no_recording.json
BENCH_TIMEOUT=${PD14_MINUTES_TIMEOUT:-300} run pd14_minutes_all_spikes cuda $pd ${PD14_MINUTES_MS:-120000}
BENCH_TIMEOUT=${PD14_MINUTES_TIMEOUT:-300} run pd14_minutes_no_recording cuda $m/pd14_no_recording.json ${PD14_MINUTES_MS:-120000}
ls -l /tmp/bench-out/pd14_minutes_all_spikes-cuda/ | head -12
fi
if has pd14scaling; then
echo "== microcircuit scaling in N (issue 7): --n-scale s with full in-degrees, no recorder, static and plastic"
for sc in ${PD14_SCALES:-0.125 0.25 0.5 1}; do
  for v in static plastic; do
    /usr/bin/python3 tools/make_potjans_diesmann.py --n-scale $sc $([ $v = plastic ] && echo --plastic) --out $m/pd14_n${sc}_$v.json > /dev/null
    python3 -c "import json,sys; m=json.load(open(sys.argv[1])); m['recorders']=[]; json.dump(m,open(sys.argv[1],'w'))" $m/pd14_n${sc}_$v.json
    run pd14_n${sc}_$v cuda $m/pd14_n${sc}_$v.json ${PD14_SCALING_MS:-2000}
  done
done
fi
if has grid; then
echo "== grid size: blocks per SM (ENGRAM_CUDA_BLOCKS_PER_SM) against the default heuristic"
pd=models/networks/potjans_diesmann_2014.json
python3 -c "import json,sys; m=json.load(open(sys.argv[1])); m['recorders']=[]; json.dump(m,open(sys.argv[2],'w'))" $pd $m/pd14_no_recording.json
for k in default ${GRID_BLOCKS_PER_SM:-1 2 4}; do
  if [ $k = default ]; then unset ENGRAM_CUDA_BLOCKS_PER_SM; else export ENGRAM_CUDA_BLOCKS_PER_SM=$k; fi
  run pd14_no_recording_bps_$k cuda $m/pd14_no_recording.json ${GRID_PD14_MS:-5000}
  run coba_4k_bps_$k cuda models/networks/coba.json 5000
  run brunel_12.5k_bps_$k cuda models/networks/brunel2000_AI.json 1000
done
unset ENGRAM_CUDA_BLOCKS_PER_SM
fi
if has push; then
echo "== short rows pushed from the update (ADR 0009) against the propagation phase (ENGRAM_CUDA_PUSH=0)"
for k in 1 0; do
  export ENGRAM_CUDA_PUSH=$k
  run coba_4k_push_$k cuda models/networks/coba.json 10000
  run coba_fixed_indegree_40000_push_$k cuda $m/coba_40000.json 1000
  run coba_fixed_indegree_4000000_push_$k cuda $m/coba_4000000.json 200
done
unset ENGRAM_CUDA_PUSH
fi
if has pd14probe; then
echo "== microcircuit probes: propagation with every delay at its mean (a ring of 16 rows instead of ~60), and Nsight Compute on one launch"
pd=models/networks/potjans_diesmann_2014.json
python3 - $pd $m/pd14_nr.json $m/pd14_nr_fixed_delay.json <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["recorders"] = []
json.dump(m, open(sys.argv[2], "w"))
for p in m["projections"]:
    if isinstance(p["delay"], dict): p["delay"] = p["delay"]["mean"]
json.dump(m, open(sys.argv[3], "w"))
PY
run pd14_no_recording cuda $m/pd14_nr.json 3000
run pd14_no_recording_fixed_delay cuda $m/pd14_nr_fixed_delay.json 3000
timeout ${NCU_TIMEOUT:-150} ncu -k regex:run_steps -c 1 --section SpeedOfLight --section WarpStateStats --section MemoryWorkloadAnalysis --section Occupancy \
  $bin/engram run $m/pd14_nr.json --backend cuda --duration 100 --out /tmp/bench-out/ncu --quiet > "$out/ncu_pd14.txt" 2>&1
echo "ncu exit $?"; grep -E "Duration|Throughput|Stall|Warp Cycles|Achieved Occupancy" "$out/ncu_pd14.txt" | head -30
fi
if has procedural; then
echo "== procedural connectivity (issue 7): Brunel with fixed_probability, stored vs procedural, then 10^10 synapses"
python3 bench/make_scaled_models.py $m --brunel-fp ${BRUNEL_FP_SIZES:-12500 125000 1250000} 8000000 --duration 1000
for n in ${BRUNEL_FP_SIZES:-12500 125000 1250000}; do
  for st in table procedural; do run brunel_fp_${st}_$n cuda $m/brunel_fp_${st}_$n.json $([ $n -ge 1000000 ] && echo 100 || echo 500); done
done
run brunel_fp_procedural_8000000 cuda $m/brunel_fp_procedural_8000000.json ${BIG_MS:-100}
fi
echo "== done"
